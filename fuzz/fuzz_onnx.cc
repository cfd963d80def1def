// libFuzzer target: ParseOnnx (graph/onnx/onnx_import.h) on the input bytes.
//
// Contract under test: any input either imports or throws incept::Error (anything else is
// a crash for libFuzzer). What imports must be a valid graph whose weights it names are
// all present with the right shapes, each holding as many floats as its dims say, and
// must round-trip through our JSON (save, load, same graph text).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "graph/error.h"
#include "graph/json_io.h"
#include "graph/onnx/onnx_import.h"
#include "graph/shape_inference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  incept::OnnxModel m;
  try {
    m = incept::ParseOnnx(data, size, "fuzz.onnx");
  } catch (const incept::Error&) {
    return 0;
  }
  for (const auto& [name, tensor] : m.weights)
    FUZZ_CHECK(static_cast<int64_t>(tensor.data.size()) == tensor.elements(),
               "an imported weight holds as many floats as its dims say");
  FUZZ_CHECK(m.output_ranks.size() == m.graph.outputs.size(), "one ONNX rank per output");
  try {
    incept::CheckWeights(m.graph, m.weights);
    const std::string text = incept::GraphToJson(m.graph);
    FUZZ_CHECK(incept::GraphToJson(incept::GraphFromJson(text)) == text,
               "an imported graph round-trips through JSON");
  } catch (const incept::Error& e) {
    std::fprintf(stderr, "imported graph rejected: %s\n", e.what());
    FUZZ_CHECK(false, "an imported graph is valid and loads back from its JSON");
  }
  return 0;
}

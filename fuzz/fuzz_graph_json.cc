// libFuzzer target: GraphFromJson (graph/json_io.h) on the input bytes.
//
// Contract under test: any input either loads or throws incept::Error. Any other
// exception (nlohmann's type_error, std::out_of_range, ...) escapes this function and
// libFuzzer reports it as a crash, as it does sanitizer findings. A graph that loads must
// also round-trip: GraphToJson then GraphFromJson loads again, to the same text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "graph/error.h"
#include "graph/json_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  incept::Graph graph;
  try {
    graph = incept::GraphFromJson(text, "fuzz.json");
  } catch (const incept::Error&) {
    return 0;  // rejected with a message: the expected outcome for most inputs
  }
  const std::string saved = incept::GraphToJson(graph);
  incept::Graph reloaded;
  try {
    reloaded = incept::GraphFromJson(saved, "saved.json");
  } catch (const incept::Error& e) {
    std::fprintf(stderr, "reload failed: %s\nsaved text:\n%s\n", e.what(), saved.c_str());
    FUZZ_CHECK(false, "a loaded graph saves to JSON that loads again");
  }
  FUZZ_CHECK(incept::GraphToJson(reloaded) == saved, "save then load is exact");
  return 0;
}

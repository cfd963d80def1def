// libFuzzer target: ParseEngineFile (host/engine_file/engine_file.h) on the input bytes.
//
// The input is first resealed (its size and CRC-32 fields rewritten, SealEngineFile), so
// mutations reach the section table and the sections' own validation instead of stopping
// at the checksum; the raw input is parsed too, unsealed.
//
// Contract under test: any input either parses or throws incept::Error. What parses must
// round-trip: SerializeEngineFile then ParseEngineFile gives the same graph, plans
// (steps, placements, tactics) and weight bits.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "graph/error.h"
#include "graph/json_io.h"
#include "host/engine_file/engine_file.h"

namespace {

bool Parses(const uint8_t* data, size_t size, incept::EngineFileContents* out) {
  try {
    *out = incept::ParseEngineFile(data, size, "fuzz.incept");
    return true;
  } catch (const incept::Error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  incept::EngineFileContents contents;
  (void)Parses(data, size, &contents);
  std::vector<uint8_t> sealed(data, data + size);
  incept::SealEngineFile(sealed);
  if (!Parses(sealed.data(), sealed.size(), &contents)) return 0;

  std::vector<uint8_t> saved;
  try {
    saved = incept::SerializeEngineFile(contents);
  } catch (const incept::Error& e) {
    std::fprintf(stderr, "serialize failed: %s\n", e.what());
    FUZZ_CHECK(false, "a parsed engine file serializes again");
  }
  incept::EngineFileContents back;
  FUZZ_CHECK(Parses(saved.data(), saved.size(), &back), "a serialized engine file parses again");
  FUZZ_CHECK(incept::GraphToJson(back.graph) == incept::GraphToJson(contents.graph),
             "round trip keeps the graph");
  FUZZ_CHECK(back.device == contents.device, "round trip keeps the device key");
  FUZZ_CHECK(back.prepared.size() == contents.prepared.size(), "round trip keeps every plan");
  for (size_t i = 0; i < back.prepared.size(); ++i) {
    const incept::Plan &a = contents.prepared[i].plan, &b = back.prepared[i].plan;
    FUZZ_CHECK(a.streams == b.streams && a.node_stream == b.node_stream,
               "round trip keeps the steps");
    FUZZ_CHECK(a.tactics == b.tactics, "round trip keeps the tactics");
    FUZZ_CHECK(a.arena_bytes == b.arena_bytes, "round trip keeps the arena size");
    for (size_t v = 0; v < a.values.size(); ++v)
      FUZZ_CHECK(a.values[v].offset == b.values[v].offset, "round trip keeps the offsets");
  }
  FUZZ_CHECK(back.weights.size() == contents.weights.size(), "round trip keeps every tensor");
  for (const auto& [name, tensor] : contents.weights) {
    auto it = back.weights.find(name);
    FUZZ_CHECK(it != back.weights.end() && it->second.dims == tensor.dims,
               "round trip keeps names and dims");
    FUZZ_CHECK(it->second.data.size() == tensor.data.size() &&
                   (tensor.data.empty() || std::memcmp(it->second.data.data(), tensor.data.data(),
                                                       tensor.data.size() * sizeof(float)) == 0),
               "round trip keeps the float bits");
  }
  return 0;
}

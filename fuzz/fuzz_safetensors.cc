// libFuzzer target: ParseSafetensors (host/io/safetensors.h) on the input bytes.
//
// Contract under test: any input either parses or throws incept::Error (anything else is
// a crash for libFuzzer). What parses must hold, per tensor, as many floats as its dims
// say, and must round-trip: SerializeSafetensors then ParseSafetensors gives the same
// names, dims and float bits.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "graph/error.h"
#include "host/io/safetensors.h"

namespace {

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  incept::WeightMap weights;
  try {
    weights = incept::ParseSafetensors(data, size, "fuzz.safetensors");
  } catch (const incept::Error&) {
    return 0;
  }
  for (const auto& [name, tensor] : weights)
    FUZZ_CHECK(static_cast<int64_t>(tensor.data.size()) == tensor.elements(),
               "a parsed tensor holds as many floats as its dims say");
  std::vector<uint8_t> saved;
  try {
    saved = incept::SerializeSafetensors(weights);
  } catch (const incept::Error& e) {
    std::fprintf(stderr, "serialize failed: %s\n", e.what());
    FUZZ_CHECK(false, "parsed weights serialize again");
  }
  incept::WeightMap reloaded;
  try {
    reloaded = incept::ParseSafetensors(saved.data(), saved.size(), "saved.safetensors");
  } catch (const incept::Error& e) {
    std::fprintf(stderr, "reload failed: %s\n", e.what());
    FUZZ_CHECK(false, "serialized weights parse again");
  }
  FUZZ_CHECK(reloaded.size() == weights.size(), "round trip keeps every tensor");
  for (const auto& [name, tensor] : weights) {
    auto it = reloaded.find(name);
    FUZZ_CHECK(it != reloaded.end(), "round trip keeps each name");
    FUZZ_CHECK(it->second.dims == tensor.dims, "round trip keeps dims");
    FUZZ_CHECK(SameBits(it->second.data, tensor.data), "round trip keeps the float bits");
  }
  return 0;
}

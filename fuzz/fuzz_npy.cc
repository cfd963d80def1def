// libFuzzer target: ParseNpy (host/io/npy.h) on the input bytes.
//
// Contract under test: any input either parses or throws incept::Error (anything else is
// a crash for libFuzzer). What parses must hold as many floats as its dims say, and must
// round-trip: SerializeNpy then ParseNpy gives the same dims and float bits.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "graph/error.h"
#include "host/io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  incept::Tensor tensor;
  try {
    tensor = incept::ParseNpy(data, size, "fuzz.npy");
  } catch (const incept::Error&) {
    return 0;
  }
  FUZZ_CHECK(static_cast<int64_t>(tensor.data.size()) == tensor.elements(),
             "a parsed array holds as many floats as its dims say");
  const std::vector<uint8_t> saved = incept::SerializeNpy(tensor);
  incept::Tensor reloaded;
  try {
    reloaded = incept::ParseNpy(saved.data(), saved.size(), "saved.npy");
  } catch (const incept::Error& e) {
    std::fprintf(stderr, "reload failed: %s\n", e.what());
    FUZZ_CHECK(false, "a serialized array parses again");
  }
  FUZZ_CHECK(reloaded.dims == tensor.dims, "round trip keeps dims");
  FUZZ_CHECK(reloaded.data.size() == tensor.data.size() &&
                 (tensor.data.empty() || std::memcmp(reloaded.data.data(), tensor.data.data(),
                                                     tensor.data.size() * sizeof(float)) == 0),
             "round trip keeps the float bits");
  return 0;
}

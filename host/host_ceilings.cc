// MeasureHostCeilings: the best of a few timed runs of each probe.
#include "host/host_ceilings.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "host/kernels/gemm.h"

namespace incept {
namespace {

// Seconds of the fastest of `repeats` calls of `fn` (after one untimed call).
template <class Fn>
double BestSeconds(int repeats, Fn fn) {
  fn();
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

DeviceCeilings MeasureHostCeilings() {
  constexpr int64_t kGemm = 512;                   // 2 * 512^3 = 0.27 GFLOP per call
  constexpr size_t kCopyBytes = size_t{64} << 20;  // well beyond the last-level cache
  std::vector<float> a(kGemm * kGemm, 1.0f), b(kGemm * kGemm, 0.5f), c(kGemm * kGemm);
  const double gemm_s = BestSeconds(3, [&] {
    Sgemm(kGemm, kGemm, kGemm, {a.data(), kGemm, 1}, {b.data(), kGemm, 1}, {c.data(), kGemm, 1});
  });
  std::vector<char> from(kCopyBytes, 1), to(kCopyBytes, 0);
  const double copy_s = BestSeconds(3, [&] { std::memcpy(to.data(), from.data(), kCopyBytes); });
  DeviceCeilings ceilings;
  ceilings.flops_per_second = 2.0 * kGemm * kGemm * kGemm / gemm_s;
  ceilings.bytes_per_second = 2.0 * static_cast<double>(kCopyBytes) / copy_s;
  ceilings.how = "host SGEMM " + std::to_string(kGemm) + "^3 (" + SgemmKernelName() +
                 "), memcpy of " + std::to_string(kCopyBytes >> 20) + " MiB";
  return ceilings;
}

}  // namespace incept

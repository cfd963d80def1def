// Shared by the host kernel tests: seeded random data and the relative L2 error of a
// kernel's output against a double-precision reference.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace incept::kernel_test {

inline std::vector<float> Random(size_t count, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(count);
  for (float& x : v) x = u(rng);
  return v;
}

// ||got - want|| / ||want||.
inline double RelativeL2(const std::vector<double>& want, const std::vector<float>& got) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    diff += (want[i] - got[i]) * (want[i] - got[i]);
    norm += want[i] * want[i];
  }
  return std::sqrt(diff / std::max(norm, 1e-30));
}

}  // namespace incept::kernel_test

// BatchNormForward against (x - mean) / sqrt(var + eps) * gamma + beta in double: batch 3,
// in place, strided input and output views, null gamma/beta.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "graph/error.h"
#include "host/kernels/batch_norm.h"

namespace incept {
namespace {

std::vector<float> Random(size_t count, unsigned seed, float lo = -2.0f, float hi = 2.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(count);
  for (float& x : v) x = u(rng);
  return v;
}

TEST(BatchNormForward, MatchesTheDefinitionInPlaceAndOnSlices) {
  const Shape s{3, 6, 5, 7};
  const auto in = Random(s.elements(), 1);
  const auto gamma = Random(s.c, 2), beta = Random(s.c, 3), mean = Random(s.c, 4);
  const auto var = Random(s.c, 5, 0.01f, 3.0f);
  const float eps = 1e-3f;
  auto want = [&](int64_t n, int64_t c, int64_t p, bool affine) {
    const double x = in[(n * s.c + c) * s.plane() + p];
    const double norm = (x - mean[c]) / std::sqrt(double(var[c]) + eps);
    return affine ? norm * gamma[c] + beta[c] : norm;
  };
  // Out of place, into a channel slice of a bigger buffer.
  const int64_t total = 10, first = 3;
  std::vector<float> big(s.n * total * s.plane(), 8.0f);
  BatchNormForward(ConstTensorView(in.data(), s), gamma.data(), beta.data(), mean.data(),
                   var.data(), eps,
                   TensorView(big.data() + first * s.plane(), s, total * s.plane()));
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t c = 0; c < total; ++c)
      for (int64_t p = 0; p < s.plane(); ++p) {
        const float v = big[(n * total + c) * s.plane() + p];
        if (c >= first && c < first + s.c)
          EXPECT_NEAR(v, want(n, c - first, p, true), 1e-5);
        else
          EXPECT_EQ(v, 8.0f);
      }
  // In place on that slice (input is the slice itself), without gamma/beta.
  std::vector<float> inout = in;
  BatchNormForward(ConstTensorView(inout.data(), s), nullptr, nullptr, mean.data(), var.data(), eps,
                   TensorView(inout.data(), s));
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t c = 0; c < s.c; ++c)
      for (int64_t p = 0; p < s.plane(); ++p)
        EXPECT_NEAR(inout[(n * s.c + c) * s.plane() + p], want(n, c, p, false), 1e-5);
  EXPECT_THROW(BatchNormForward(ConstTensorView(in.data(), s), nullptr, nullptr, nullptr,
                                var.data(), eps, TensorView(inout.data(), s)),
               Error);
}

}  // namespace
}  // namespace incept

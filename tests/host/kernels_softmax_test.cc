// SoftmaxForward over channels: against exp(x - max) / sum in double, at every (n, h, w),
// with large logits (max subtraction), in place, a strided output view.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "graph/error.h"
#include "host/kernels/softmax.h"

namespace incept {
namespace {

std::vector<float> Random(size_t count, unsigned seed, float scale) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-scale, scale);
  std::vector<float> v(count);
  for (float& x : v) x = u(rng);
  return v;
}

std::vector<double> Reference(const Shape& s, const std::vector<float>& in) {
  std::vector<double> out(s.elements());
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t p = 0; p < s.plane(); ++p) {
      double max = -1e300, sum = 0;
      for (int64_t c = 0; c < s.c; ++c)
        max = std::max<double>(max, in[(n * s.c + c) * s.plane() + p]);
      for (int64_t c = 0; c < s.c; ++c) sum += std::exp(in[(n * s.c + c) * s.plane() + p] - max);
      for (int64_t c = 0; c < s.c; ++c)
        out[(n * s.c + c) * s.plane() + p] =
            std::exp(in[(n * s.c + c) * s.plane() + p] - max) / sum;
    }
  return out;
}

TEST(SoftmaxForward, MatchesTheDefinitionInPlaceToo) {
  const Shape shapes[] = {{3, 1000, 1, 1}, {2, 5, 3, 4}};
  for (const Shape& s : shapes) {
    SCOPED_TRACE(s.str());
    const auto in = Random(s.elements(), 1, 200.0f);  // exp(200) overflows without the max
    const auto want = Reference(s, in);
    std::vector<float> out(in.size());
    SoftmaxForward(ConstTensorView(in.data(), s), TensorView(out.data(), s));
    std::vector<float> inout = in;
    SoftmaxForward(ConstTensorView(inout.data(), s), TensorView(inout.data(), s));
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_NEAR(out[i], want[i], 1e-6) << i;
      ASSERT_EQ(inout[i], out[i]) << i;
    }
  }
}

TEST(SoftmaxForward, WritesIntoASliceOnly) {
  const Shape s{2, 3, 2, 2};
  const auto in = Random(s.elements(), 2, 3.0f);
  const auto want = Reference(s, in);
  std::vector<float> big(2 * 5 * 4, 4.0f);
  SoftmaxForward(ConstTensorView(in.data(), s), TensorView(big.data() + 4, s, 5 * 4));
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 5; ++c)
      for (int64_t p = 0; p < 4; ++p) {
        const float v = big[(n * 5 + c) * 4 + p];
        if (c >= 1 && c < 4)
          EXPECT_NEAR(v, want[(n * 3 + c - 1) * 4 + p], 1e-6);
        else
          EXPECT_EQ(v, 4.0f);
      }
  EXPECT_THROW(SoftmaxForward(ConstTensorView(in.data(), s), TensorView(big.data(), {2, 2, 2, 2})),
               Error);
}

}  // namespace
}  // namespace incept

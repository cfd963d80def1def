// LrnForward against Caffe's across-channel formula in double: even and odd sizes (the
// window [c - (size-1)/2, c + size/2] is asymmetric for even sizes), clipping at the first
// and last channels, batch 3, in place, a strided output view, GoogLeNet's LRN shape.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "graph/error.h"
#include "host/kernels/lrn.h"

namespace incept {
namespace {

std::vector<float> Random(size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-3.0f, 3.0f);
  std::vector<float> v(count);
  for (float& x : v) x = u(rng);
  return v;
}

std::vector<double> Reference(const Shape& s, const std::vector<float>& in, const LrnAttrs& a) {
  std::vector<double> out(s.elements());
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t c = 0; c < s.c; ++c)
      for (int64_t p = 0; p < s.plane(); ++p) {
        double sum = 0;
        for (int64_t q = c - (a.size - 1) / 2; q <= c + a.size / 2; ++q) {
          if (q < 0 || q >= s.c) continue;
          const double x = in[(n * s.c + q) * s.plane() + p];
          sum += x * x;
        }
        const double scale = a.k + a.alpha / a.size * sum;
        out[(n * s.c + c) * s.plane() + p] =
            in[(n * s.c + c) * s.plane() + p] * std::pow(scale, -a.beta);
      }
  return out;
}

double MaxRelDiff(const std::vector<double>& want, const float* got) {
  double m = 0;
  for (size_t i = 0; i < want.size(); ++i)
    m = std::max(m, std::abs(want[i] - got[i]) / std::max(1e-3, std::abs(want[i])));
  return m;
}

LrnAttrs Attrs(int size, float alpha, float beta, float k) {
  LrnAttrs a;
  a.size = size, a.alpha = alpha, a.beta = beta, a.k = k;
  return a;
}

TEST(LrnForward, MatchesCaffesFormula) {
  struct Case {
    Shape shape;
    LrnAttrs attrs;
  };
  const Case cases[] = {
      {{1, 7, 5, 3}, Attrs(5, 1e-2f, 0.75f, 1.0f)},
      {{3, 6, 4, 4}, Attrs(4, 0.5f, 0.6f, 2.0f)},       // even size: window 1 before, 2 after
      {{1, 3, 2, 5}, Attrs(7, 0.2f, 0.75f, 1.0f)},      // window wider than the channels
      {{1, 64, 56, 56}, Attrs(5, 1e-4f, 0.75f, 1.0f)},  // GoogLeNet's first LRN
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.shape.str());
    const auto in = Random(c.shape.elements(), 1);
    std::vector<float> out(in.size());
    LrnForward(ConstTensorView(in.data(), c.shape), c.attrs, TensorView(out.data(), c.shape));
    const auto want = Reference(c.shape, in, c.attrs);
    EXPECT_LE(MaxRelDiff(want, out.data()), 1e-5);
    // In place gives the same.
    std::vector<float> inout = in;
    LrnForward(ConstTensorView(inout.data(), c.shape), c.attrs, TensorView(inout.data(), c.shape));
    EXPECT_LE(MaxRelDiff(want, inout.data()), 1e-5);
  }
}

TEST(LrnForward, WritesIntoAChannelSliceOnly) {
  const Shape s{3, 5, 3, 4};
  const LrnAttrs a = Attrs(5, 0.3f, 0.75f, 1.0f);
  const auto in = Random(s.elements(), 2);
  const int64_t total = 9, first = 1;
  std::vector<float> big(s.n * total * s.plane(), 5.0f);
  LrnForward(ConstTensorView(in.data(), s), a,
             TensorView(big.data() + first * s.plane(), s, total * s.plane()));
  const auto want = Reference(s, in, a);
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t c = 0; c < total; ++c)
      for (int64_t p = 0; p < s.plane(); ++p) {
        const float v = big[(n * total + c) * s.plane() + p];
        if (c >= first && c < first + s.c)
          EXPECT_NEAR(v, want[(n * s.c + c - first) * s.plane() + p], 1e-5);
        else
          EXPECT_EQ(v, 5.0f);
      }
  std::vector<float> out(4);
  EXPECT_THROW(LrnForward(ConstTensorView(in.data(), s), a, TensorView(out.data(), {1, 1, 2, 2})),
               Error);
}

}  // namespace
}  // namespace incept

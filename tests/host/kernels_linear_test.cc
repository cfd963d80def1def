// LinearForward against a double loop: (N, K, 1, 1) and (N, C, H, W) inputs, batch 1 and 3,
// with and without bias, an input that is a channel slice, an output that is a slice,
// GoogLeNet's classifier (1024 -> 1000).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "graph/error.h"
#include "host/kernels/linear.h"
#include "tests/host/kernel_test_util.h"

namespace incept {
namespace {

using kernel_test::Random;

// in: a ConstTensorView; returns out[n][j] in double.
std::vector<double> Reference(const ConstTensorView& in, const std::vector<float>& weight,
                              const float* bias, int64_t m) {
  const int64_t k = in.shape.per_image();
  std::vector<double> out(in.shape.n * m);
  for (int64_t n = 0; n < in.shape.n; ++n)
    for (int64_t j = 0; j < m; ++j) {
      double s = bias ? bias[j] : 0.0;
      for (int64_t q = 0; q < k; ++q) s += double(weight[j * k + q]) * in.image(n)[q];
      out[n * m + j] = s;
    }
  return out;
}

void ExpectClose(const std::vector<double>& want, const std::vector<float>& got) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    diff += (want[i] - got[i]) * (want[i] - got[i]);
    norm += want[i] * want[i];
  }
  EXPECT_LE(std::sqrt(diff / norm), 1e-5);
}

TEST(LinearForward, MatchesTheDefinition) {
  struct Case {
    Shape in;
    int64_t m;
    bool bias;
  };
  const Case cases[] = {{{1, 7, 1, 1}, 5, true},
                        {{3, 4, 3, 5}, 9, false},  // flattened (N, C, H, W)
                        {{3, 1024, 1, 1}, 1000, true}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in.str());
    const auto in = Random(c.in.elements(), 1);
    const auto weight = Random(c.m * c.in.per_image(), 2), bias = Random(c.m, 3);
    std::vector<float> out(c.in.n * c.m);
    const ConstTensorView view(in.data(), c.in);
    LinearForward(view, weight.data(), c.bias ? bias.data() : nullptr,
                  TensorView(out.data(), {c.in.n, c.m, 1, 1}));
    ExpectClose(Reference(view, weight, c.bias ? bias.data() : nullptr, c.m), out);
  }
}

TEST(LinearForward, ReadsAndWritesSlices) {
  const Shape in_shape{3, 6, 1, 1};
  const int64_t m = 4;
  const auto big_in = Random(3 * 10, 4);  // input: features [2, 8) of 10 per image
  const ConstTensorView in(big_in.data() + 2, in_shape, 10);
  const auto weight = Random(m * 6, 5), bias = Random(m, 6);
  std::vector<float> big_out(3 * 7, 0.5f);  // output: features [1, 5) of 7 per image
  LinearForward(in, weight.data(), bias.data(), TensorView(big_out.data() + 1, {3, m, 1, 1}, 7));
  const auto want = Reference(in, weight, bias.data(), m);
  for (int64_t n = 0; n < 3; ++n)
    for (int64_t j = 0; j < 7; ++j) {
      const float v = big_out[n * 7 + j];
      if (j >= 1 && j < 5)
        EXPECT_NEAR(v, want[n * m + j - 1], 1e-5);
      else
        EXPECT_EQ(v, 0.5f);
    }
  std::vector<float> out(12);
  EXPECT_THROW(LinearForward(in, weight.data(), nullptr, TensorView(out.data(), {3, 2, 2, 1})),
               Error);
}

}  // namespace
}  // namespace incept

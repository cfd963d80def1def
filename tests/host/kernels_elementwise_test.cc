// ReLU, Add, ChannelAffine and Copy: values, in place, strided views (channel slices),
// NaN propagation through ReLU, shape errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "graph/error.h"
#include "host/kernels/elementwise.h"
#include "tests/host/kernel_test_util.h"

namespace incept {
namespace {

using kernel_test::Random;

const Shape kShape{3, 4, 5, 3};
constexpr int64_t kTotal = 9, kFirst = 2;  // the slice: channels [2, 6) of 9
constexpr float kSentinel = 77.0f;

// A 9-channel buffer and the view of its channels [2, 6).
struct Sliced {
  std::vector<float> buffer = std::vector<float>(kShape.n * kTotal * kShape.plane(), kSentinel);
  TensorView view() {
    return TensorView(buffer.data() + kFirst * kShape.plane(), kShape, kTotal * kShape.plane());
  }
  // Checks the slice equals f(n, c, p) and the other channels are untouched.
  template <typename F>
  void Expect(F f) const {
    for (int64_t n = 0; n < kShape.n; ++n)
      for (int64_t c = 0; c < kTotal; ++c)
        for (int64_t p = 0; p < kShape.plane(); ++p) {
          const float v = buffer[(n * kTotal + c) * kShape.plane() + p];
          if (c >= kFirst && c < kFirst + kShape.c)
            EXPECT_FLOAT_EQ(v, f(n, c - kFirst, p));
          else
            EXPECT_EQ(v, kSentinel);
        }
  }
};

float At(const std::vector<float>& v, int64_t n, int64_t c, int64_t p) {
  return v[(n * kShape.c + c) * kShape.plane() + p];
}

TEST(ElementwiseForward, ReluOnASliceAndInPlace) {
  const auto in = Random(kShape.elements(), 1);
  Sliced out;
  ReluForward(ConstTensorView(in.data(), kShape), out.view());
  out.Expect([&](int64_t n, int64_t c, int64_t p) { return std::max(At(in, n, c, p), 0.0f); });
  // In place on the slice.
  Sliced inout;
  CopyForward(ConstTensorView(in.data(), kShape), inout.view());
  ReluForward(inout.view(), inout.view());
  inout.Expect([&](int64_t n, int64_t c, int64_t p) { return std::max(At(in, n, c, p), 0.0f); });
}

TEST(ElementwiseForward, ReluKeepsNaN) {
  std::vector<float> v{-1.0f, std::numeric_limits<float>::quiet_NaN(), 2.0f};
  ReluForward(ConstTensorView(v.data(), {1, 3, 1, 1}), TensorView(v.data(), {1, 3, 1, 1}));
  EXPECT_EQ(v[0], 0.0f);
  EXPECT_TRUE(std::isnan(v[1]));
  EXPECT_EQ(v[2], 2.0f);
}

TEST(ElementwiseForward, AddReadsSlicesAndWritesASlice) {
  const auto a = Random(kShape.elements(), 2);
  Sliced b;
  const auto b_values = Random(kShape.elements(), 3);
  CopyForward(ConstTensorView(b_values.data(), kShape), b.view());
  Sliced out;
  AddForward(ConstTensorView(a.data(), kShape), b.view(), out.view());
  out.Expect(
      [&](int64_t n, int64_t c, int64_t p) { return At(a, n, c, p) + At(b_values, n, c, p); });
  std::vector<float> small(4);
  EXPECT_THROW(AddForward(ConstTensorView(a.data(), kShape),
                          ConstTensorView(small.data(), {1, 4, 1, 1}), out.view()),
               Error);
}

TEST(ElementwiseForward, ChannelAffineOnASliceAndInPlace) {
  const auto in = Random(kShape.elements(), 4);
  ChannelAffineAttrs a;
  a.scale = {0.5f, -2.0f, 1.5f, 3.0f};
  a.shift = {0.1f, 0.2f, -0.3f, 0.0f};
  auto want = [&](int64_t n, int64_t c, int64_t p) {
    return At(in, n, c, p) * a.scale[c] + a.shift[c];
  };
  Sliced out;
  ChannelAffineForward(ConstTensorView(in.data(), kShape), a, out.view());
  out.Expect(want);
  std::vector<float> inout = in;
  ChannelAffineForward(ConstTensorView(inout.data(), kShape), a, TensorView(inout.data(), kShape));
  for (int64_t n = 0; n < kShape.n; ++n)
    for (int64_t c = 0; c < kShape.c; ++c)
      for (int64_t p = 0; p < kShape.plane(); ++p)
        EXPECT_FLOAT_EQ(At(inout, n, c, p), want(n, c, p));
  a.scale.pop_back();
  EXPECT_THROW(ChannelAffineForward(ConstTensorView(in.data(), kShape), a, out.view()), Error);
}

TEST(ElementwiseForward, CopyFlattensAndChecksTheElementCount) {
  const auto in = Random(kShape.elements(), 5);
  const Shape flat{kShape.n, kShape.per_image(), 1, 1};
  std::vector<float> out(in.size(), 0.0f);
  CopyForward(ConstTensorView(in.data(), kShape), TensorView(out.data(), flat));
  EXPECT_EQ(out, in);
  EXPECT_THROW(
      CopyForward(ConstTensorView(in.data(), kShape), TensorView(out.data(), {3, 5, 1, 1})), Error);
}

}  // namespace
}  // namespace incept

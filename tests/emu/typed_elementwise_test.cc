// The typed element-wise kernels of fp16/bf16 plans through the emulator, at fp32, fp16 and
// bf16 in NCHW and NHWC: the strided copy with and without ReLU (ReLU, Dropout, a launched
// Concat's inputs, a conv's dense result copied into its slice, also converting between
// formats) and the add. References round alike: the stored inputs (already of the type),
// the result computed in double, rounded once to the output type. Every output is a channel
// slice of a sentinel-filled root (NHWC: a channel offset inside each pixel), so a write
// outside it is caught; odd shapes and batch 3.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>

#include "cuda/emu/typed_emu.h"
#include "graph/error.h"
#include "tests/emu/typed_test_util.h"

namespace incept {
namespace {

using typed_test::FillRandom;
using typed_test::RoundTo;
using typed_test::TypedSlice;

class TypedElementwise : public ::testing::TestWithParam<std::tuple<ElementType, Layout>> {};

// Copy (identity and ReLU) is exact: relu of a value of T is a value of T.
TEST_P(TypedElementwise, CopyIntoASliceWithAndWithoutRelu) {
  const auto [type, layout] = GetParam();
  for (Activation act : {Activation::kNone, Activation::kReLU}) {
    const Shape shape{3, 5, 7, 3};
    TypedSlice in(shape, type, layout, 2, 1);
    FillRandom(in, 11);
    in.Set(1, 2, 3, 1, std::numeric_limits<float>::quiet_NaN());  // NaN passes ReLU
    TypedSlice out(shape, type, layout, 3, 4);
    emu_kernels::TypedCopyForward(in.ref(), out.ref(), act);
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < shape.c; ++c)
        for (int64_t y = 0; y < shape.h; ++y)
          for (int64_t x = 0; x < shape.w; ++x) {
            const float v = in.Get(n, c, y, x);
            const float got = out.Get(n, c, y, x);
            if (std::isnan(v)) {
              ASSERT_TRUE(std::isnan(got)) << n << "," << c << "," << y << "," << x;
              continue;
            }
            const float want = act == Activation::kReLU && v < 0 ? 0.0f : v;
            ASSERT_EQ(got, want) << n << "," << c << "," << y << "," << x;
          }
    EXPECT_TRUE(out.OutsideUntouched());
  }
}

// In place (a bias-free conv's ReLU over its own output): each element read, then written.
TEST_P(TypedElementwise, ReluInPlace) {
  const auto [type, layout] = GetParam();
  const Shape shape{3, 5, 4, 3};
  TypedSlice t(shape, type, layout, 1, 2);
  FillRandom(t, 15);
  const TypedSlice before = t;
  emu_kernels::TypedCopyForward(t.ref(), t.ref(), Activation::kReLU);
  for (int64_t n = 0; n < shape.n; ++n)
    for (int64_t c = 0; c < shape.c; ++c)
      for (int64_t y = 0; y < shape.h; ++y)
        for (int64_t x = 0; x < shape.w; ++x)
          ASSERT_EQ(t.Get(n, c, y, x), std::max(before.Get(n, c, y, x), 0.0f));
  EXPECT_TRUE(t.OutsideUntouched());
}

// A dense T NHWC scratch (a conv's result under the dense-then-copy strategy) into a slice
// of the plan's format, and into an fp32 NCHW output (a conv that is a graph output).
TEST_P(TypedElementwise, CopyConvertsBetweenFormats) {
  const auto [type, layout] = GetParam();
  const Shape shape{3, 6, 5, 5};
  for (ElementType from : {ElementType::kF32, ElementType::kF16, ElementType::kBF16}) {
    TypedSlice in(shape, from, Layout::kNHWC);
    FillRandom(in, 13);
    TypedSlice out(shape, type, layout, 1, 2);
    emu_kernels::TypedCopyForward(in.ref(), out.ref(), Activation::kReLU);
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < shape.c; ++c)
        for (int64_t y = 0; y < shape.h; ++y)
          for (int64_t x = 0; x < shape.w; ++x) {
            const float v = in.Get(n, c, y, x);
            ASSERT_EQ(out.Get(n, c, y, x), RoundTo(type, v < 0 ? 0.0f : v))
                << n << "," << c << "," << y << "," << x;
          }
    EXPECT_TRUE(out.OutsideUntouched());
  }
}

// Add: the fp32 sum of two values of T, rounded once (the exact sum of two fp16/bf16
// values with |v| <= 3 fits in fp32's 24 bits, so the reference in double is the same).
TEST_P(TypedElementwise, AddMatchesTheRoundingReference) {
  const auto [type, layout] = GetParam();
  const Shape shape{3, 7, 4, 5};
  TypedSlice a(shape, type, layout, 1, 1), b(shape, type, layout, 0, 3);
  FillRandom(a, 21);
  FillRandom(b, 22);
  TypedSlice out(shape, type, layout, 2, 2);
  emu_kernels::TypedAddForward(a.ref(), b.ref(), out.ref());
  for (int64_t n = 0; n < shape.n; ++n)
    for (int64_t c = 0; c < shape.c; ++c)
      for (int64_t y = 0; y < shape.h; ++y)
        for (int64_t x = 0; x < shape.w; ++x) {
          const double sum = static_cast<double>(a.Get(n, c, y, x)) + b.Get(n, c, y, x);
          const float want = type == ElementType::kF32 ? static_cast<float>(sum)
                                                       : RoundTo(type, static_cast<float>(sum));
          ASSERT_EQ(out.Get(n, c, y, x), want) << n << "," << c << "," << y << "," << x;
        }
  EXPECT_TRUE(out.OutsideUntouched());
  // In place: out = a + b written over a.
  TypedSlice twice = a;
  emu_kernels::TypedAddForward(twice.ref(), a.ref(), twice.ref());
  EXPECT_EQ(twice.Get(2, 6, 3, 4), RoundTo(type, 2 * a.Get(2, 6, 3, 4)));
}

TEST(TypedElementwiseChecks, MismatchesAreErrors) {
  const Shape shape{1, 2, 3, 3};
  TypedSlice a(shape, ElementType::kF16, Layout::kNHWC), b(shape, ElementType::kF16, Layout::kNCHW);
  TypedSlice out(shape, ElementType::kF16, Layout::kNHWC);
  EXPECT_THROW(emu_kernels::TypedAddForward(a.ref(), b.ref(), out.ref()), Error);  // layouts
  TypedSlice small({1, 2, 2, 3}, ElementType::kF16, Layout::kNHWC);
  EXPECT_THROW(emu_kernels::TypedCopyForward(a.ref(), small.ref(), Activation::kNone), Error);
  try {
    emu_kernels::TypedCopyForward(a.ref(), small.ref(), Activation::kNone);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("TypedCopy"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(EveryTypeAndLayout, TypedElementwise,
                         ::testing::Combine(::testing::Values(ElementType::kF32, ElementType::kF16,
                                                              ElementType::kBF16),
                                            ::testing::Values(Layout::kNCHW, Layout::kNHWC)),
                         [](const auto& info) {
                           return std::string(ElementTypeName(std::get<0>(info.param))) +
                                  LayoutName(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace incept

// The kernels templated on element type and layout (cuda/kernels/pool_kernel.cuh,
// convert_kernel.cuh) through the emulator, at fp32, fp16 and bf16 in NCHW and NHWC,
// against a host reference that rounds alike: inputs rounded to the type, the window
// computed in double, the result rounded once to the type. Outputs are channel slices of a
// larger sentinel-filled buffer (in NHWC: a channel offset inside each pixel), so a write
// outside the slice is caught.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cuda/emu/typed_emu.h"
#include "graph/error.h"
#include "tests/emu/typed_test_util.h"

namespace incept {
namespace {

using typed_test::FillRandom;
using typed_test::kSentinel;
using typed_test::RoundTo;
using typed_test::TypedSlice;
using typed_test::Ulp;

struct PoolCase {
  const char* name;
  bool max;
  Shape in;
  Window2d window;  // kernel_h, kernel_w, stride_h, stride_w, pad_top, left, bottom, right
  bool ceil_mode, count_include_pad;
};

const PoolCase kPoolCases[] = {
    {"googlenet_pool1_3x3s2_ceil", true, {1, 4, 14, 14}, {3, 3, 2, 2, 0, 0, 0, 0}, true, true},
    {"inception_branch_3x3s1p1_batch3", true, {3, 5, 7, 9}, {3, 3, 1, 1, 1, 1, 1, 1}, false, true},
    {"aux_avg_5x5s3", false, {3, 4, 14, 14}, {5, 5, 3, 3, 0, 0, 0, 0}, false, true},
    {"avg_ceil_pad_excluded", false, {3, 2, 7, 6}, {3, 3, 2, 2, 1, 1, 1, 1}, true, false},
    {"final_avg_7x7", false, {2, 8, 7, 7}, {7, 7, 1, 1, 0, 0, 0, 0}, false, true},
};

int64_t OutSize(int64_t in, int k, int s, int pb, int pa, bool ceil_mode) {
  const int64_t span = in + pb + pa - k;
  int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  if (ceil_mode && (out - 1) * s >= in + pb) --out;
  return out;
}

// Naive pooling over the stored (already rounded) input, in double.
double ReferencePool(const PoolCase& pc, const TypedSlice& in, int64_t n, int64_t c, int64_t oy,
                     int64_t ox) {
  const Window2d& w = pc.window;
  const int64_t y0 = oy * w.stride_h - w.pad_top, x0 = ox * w.stride_w - w.pad_left;
  const int64_t y_pad_end = std::min<int64_t>(y0 + w.kernel_h, in.shape.h + w.pad_bottom);
  const int64_t x_pad_end = std::min<int64_t>(x0 + w.kernel_w, in.shape.w + w.pad_right);
  double best = -INFINITY, sum = 0;
  int64_t inside = 0;
  for (int64_t y = std::max<int64_t>(y0, 0); y < std::min<int64_t>(y_pad_end, in.shape.h); ++y)
    for (int64_t x = std::max<int64_t>(x0, 0); x < std::min<int64_t>(x_pad_end, in.shape.w); ++x) {
      const double v = in.Get(n, c, y, x);
      best = std::max(best, v);
      sum += v;
      ++inside;
    }
  if (pc.max) return best;
  const int64_t count = pc.count_include_pad ? (y_pad_end - y0) * (x_pad_end - x0) : inside;
  return sum / count;
}

class TypedKernels : public ::testing::TestWithParam<std::tuple<ElementType, Layout>> {};

TEST_P(TypedKernels, PoolMatchesTheRoundingReference) {
  const auto [type, layout] = GetParam();
  for (const PoolCase& pc : kPoolCases) {
    SCOPED_TRACE(pc.name);
    const Window2d& w = pc.window;
    const Shape out_shape{
        pc.in.n, pc.in.c,
        OutSize(pc.in.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, pc.ceil_mode),
        OutSize(pc.in.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, pc.ceil_mode)};
    TypedSlice in(pc.in, type, layout, 1, 2);  // the input is a slice too
    FillRandom(in, 17);
    TypedSlice out(out_shape, type, layout, 3, 2);
    PoolAttrs attrs;
    attrs.window = w;
    attrs.ceil_mode = pc.ceil_mode;
    attrs.count_include_pad = pc.count_include_pad;
    emu_kernels::PoolForward(pc.max, in.ref(), attrs, out.ref());
    for (int64_t n = 0; n < out_shape.n; ++n)
      for (int64_t c = 0; c < out_shape.c; ++c)
        for (int64_t y = 0; y < out_shape.h; ++y)
          for (int64_t x = 0; x < out_shape.w; ++x) {
            const double want = ReferencePool(pc, in, n, c, y, x);
            const double got = out.Get(n, c, y, x);
            if (pc.max) {
              ASSERT_EQ(got, want) << n << "," << c << "," << y << "," << x;
            } else {
              // The kernel sums in fp32, the reference in double: at most (k - 1) * 2^-24 *
              // sum |v| apart before the division by the count k <= 49 (|v| <= 3), then
              // both are rounded to the type: one unit of it more.
              const double fp32_sum_error = 49 * 3 * 0x1p-24;
              ASSERT_LE(std::fabs(got - RoundTo(type, static_cast<float>(want))),
                        Ulp(type, want) + fp32_sum_error)
                  << n << "," << c << "," << y << "," << x;
            }
          }
    EXPECT_TRUE(out.OutsideUntouched());
  }
}

TEST_P(TypedKernels, ConvertFromFp32NchwAndBack) {
  const auto [type, layout] = GetParam();
  const Shape shape{3, 5, 4, 7};
  TypedSlice source(shape, ElementType::kF32, Layout::kNCHW);
  FillRandom(source, 5);
  TypedSlice converted(shape, type, layout, 2, 1);
  emu_kernels::ConvertForward(source.ref(), converted.ref());
  TypedSlice back(shape, ElementType::kF32, Layout::kNCHW, 1, 0);
  emu_kernels::ConvertForward(converted.ref(), back.ref());
  for (int64_t n = 0; n < shape.n; ++n)
    for (int64_t c = 0; c < shape.c; ++c)
      for (int64_t y = 0; y < shape.h; ++y)
        for (int64_t x = 0; x < shape.w; ++x) {
          const float want = RoundTo(type, source.Get(n, c, y, x));
          ASSERT_EQ(converted.Get(n, c, y, x), want);
          ASSERT_EQ(back.Get(n, c, y, x), want);
        }
  EXPECT_TRUE(converted.OutsideUntouched());
  EXPECT_TRUE(back.OutsideUntouched());
}

// PyTorch's bins: [floor(o * H / OH), ceil((o + 1) * H / OH)); GoogLeNet's 7x7 -> 1x1 and
// uneven bins (7x5 -> 3x2).
TEST_P(TypedKernels, AdaptiveAvgPoolMatchesTheRoundingReference) {
  const auto [type, layout] = GetParam();
  for (const auto& [in_shape, oh, ow] :
       {std::tuple<Shape, int64_t, int64_t>{{2, 16, 7, 7}, 1, 1}, {{3, 5, 7, 5}, 3, 2}}) {
    TypedSlice in(in_shape, type, layout, 2, 1);
    FillRandom(in, 41);
    TypedSlice out({in_shape.n, in_shape.c, oh, ow}, type, layout, 1, 3);
    emu_kernels::AdaptiveAvgPoolForward(in.ref(), out.ref());
    for (int64_t n = 0; n < in_shape.n; ++n)
      for (int64_t c = 0; c < in_shape.c; ++c)
        for (int64_t oy = 0; oy < oh; ++oy)
          for (int64_t ox = 0; ox < ow; ++ox) {
            const int64_t y0 = oy * in_shape.h / oh, y1 = ((oy + 1) * in_shape.h + oh - 1) / oh;
            const int64_t x0 = ox * in_shape.w / ow, x1 = ((ox + 1) * in_shape.w + ow - 1) / ow;
            double sum = 0;
            for (int64_t y = y0; y < y1; ++y)
              for (int64_t x = x0; x < x1; ++x) sum += in.Get(n, c, y, x);
            const double want = sum / ((y1 - y0) * (x1 - x0));
            // As for AvgPool: fp32 sum (49 values of |v| <= 3) vs double, then one rounding.
            ASSERT_LE(std::fabs(out.Get(n, c, oy, ox) - RoundTo(type, static_cast<float>(want))),
                      Ulp(type, want) + 49 * 3 * 0x1p-24)
                << n << "," << c << "," << oy << "," << ox;
          }
    EXPECT_TRUE(out.OutsideUntouched());
  }
}

// Caffe's LRN (size 5, alpha 1e-4, beta 0.75, k 1) and an even size at the channel borders.
TEST_P(TypedKernels, LrnMatchesTheRoundingReference) {
  const auto [type, layout] = GetParam();
  for (int size : {5, 4}) {
    const Shape shape{3, 7, 5, 4};
    TypedSlice in(shape, type, layout, 1, 2);
    FillRandom(in, 47);
    TypedSlice out(shape, type, layout, 2, 1);
    LrnAttrs attrs;
    attrs.size = size;
    attrs.alpha = 0.5f;  // large, so that the normalisation matters at |x| <= 3
    attrs.beta = 0.75f;
    attrs.k = 1.0f;
    emu_kernels::LrnForward(in.ref(), attrs, out.ref());
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < shape.c; ++c)
        for (int64_t y = 0; y < shape.h; ++y)
          for (int64_t x = 0; x < shape.w; ++x) {
            double sum_sq = 0;
            for (int64_t j = std::max<int64_t>(c - (size - 1) / 2, 0);
                 j < std::min<int64_t>(c + size / 2 + 1, shape.c); ++j)
              sum_sq += double(in.Get(n, j, y, x)) * in.Get(n, j, y, x);
            const double want =
                in.Get(n, c, y, x) * std::pow(attrs.k + attrs.alpha / size * sum_sq, -attrs.beta);
            // fp32 squares, sums and powf: a few units of fp32 (|y| <= 3), then one rounding.
            ASSERT_LE(std::fabs(out.Get(n, c, y, x) - RoundTo(type, static_cast<float>(want))),
                      Ulp(type, want) + 64 * 0x1p-24)
                << n << "," << c << "," << y << "," << x;
          }
    EXPECT_TRUE(out.OutsideUntouched());
  }
}

// transform_input as the first kernel: fp32 NCHW in, the type and layout of the plan out.
TEST_P(TypedKernels, ChannelAffineConvertsOnTheWay) {
  const auto [type, layout] = GetParam();
  const Shape shape{3, 3, 5, 6};
  TypedSlice source(shape, ElementType::kF32, Layout::kNCHW);
  FillRandom(source, 31);
  ChannelAffineAttrs attrs;
  attrs.scale = {0.458f / 0.5f, 0.448f / 0.5f, 0.450f / 0.5f};
  attrs.shift = {(0.485f - 0.5f) / 0.5f, (0.456f - 0.5f) / 0.5f, (0.406f - 0.5f) / 0.5f};
  TypedSlice out(shape, type, layout, 1, 2);
  emu_kernels::ChannelAffineForward(source.ref(), attrs, out.ref());
  for (int64_t n = 0; n < shape.n; ++n)
    for (int64_t c = 0; c < shape.c; ++c)
      for (int64_t y = 0; y < shape.h; ++y)
        for (int64_t x = 0; x < shape.w; ++x) {
          const double want =
              static_cast<double>(source.Get(n, c, y, x)) * attrs.scale[c] + attrs.shift[c];
          // fp32 multiply-add (two roundings of at most 2^-24 * 4) then one rounding to T.
          ASSERT_LE(std::fabs(out.Get(n, c, y, x) - RoundTo(type, static_cast<float>(want))),
                    Ulp(type, want) + 8 * 0x1p-24)
              << n << "," << c << "," << y << "," << x;
        }
  EXPECT_TRUE(out.OutsideUntouched());
  EXPECT_THROW(emu_kernels::ChannelAffineForward(source.ref(), ChannelAffineAttrs{}, out.ref()),
               Error);
}

TEST(TypedKernelChecks, MismatchedFormatsAreErrors) {
  TypedSlice in({1, 2, 4, 4}, ElementType::kF16, Layout::kNHWC);
  TypedSlice out({1, 2, 2, 2}, ElementType::kF16, Layout::kNCHW);
  PoolAttrs attrs;
  attrs.window = {2, 2, 2, 2, 0, 0, 0, 0};
  EXPECT_THROW(emu_kernels::PoolForward(true, in.ref(), attrs, out.ref()), Error);
  simt::AnyTensorRef overlapping = in.ref();
  overlapping.pixel_stride = 1;  // pixels would overlap
  TypedSlice fine({1, 2, 2, 2}, ElementType::kF16, Layout::kNHWC);
  EXPECT_THROW(emu_kernels::PoolForward(true, overlapping, attrs, fine.ref()), Error);
}

INSTANTIATE_TEST_SUITE_P(EveryTypeAndLayout, TypedKernels,
                         ::testing::Combine(::testing::Values(ElementType::kF32, ElementType::kF16,
                                                              ElementType::kBF16),
                                            ::testing::Values(Layout::kNCHW, Layout::kNHWC)),
                         [](const auto& info) {
                           return std::string(ElementTypeName(std::get<0>(info.param))) +
                                  LayoutName(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace incept

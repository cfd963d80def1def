// Max, average and adaptive average pooling against direct loops written from PyTorch's
// definitions: ceil_mode (with the last window clipped, and with a window dropped because
// it would start in the padding), count_include_pad on and off, asymmetric padding, batch 1
// and 3, strided output views, GoogLeNet's pool1 (3x3/2 ceil on 112x112 -> 56x56).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "graph/error.h"
#include "host/kernels/adaptive_avg_pool.h"
#include "host/kernels/pool.h"
#include "tests/host/kernel_test_util.h"

namespace incept {
namespace {

using kernel_test::Random;

// PyTorch's pooling_output_shape.
int64_t PooledSize(int64_t in, int k, int s, int pad_begin, int pad_end, bool ceil) {
  const double exact = static_cast<double>(in + pad_begin + pad_end - k) / s;
  int64_t out = static_cast<int64_t>(ceil ? std::ceil(exact) : std::floor(exact)) + 1;
  if (ceil && (out - 1) * s >= in + pad_begin) --out;
  return out;
}

struct PoolCase {
  const char* name;
  Shape in;
  Window2d window;
  bool ceil_mode, count_include_pad;
};

Window2d Win(int kh, int kw, int sh, int sw, int top, int left, int bottom, int right) {
  Window2d w;
  w.kernel_h = kh, w.kernel_w = kw, w.stride_h = sh, w.stride_w = sw;
  w.pad_top = top, w.pad_left = left, w.pad_bottom = bottom, w.pad_right = right;
  return w;
}

Shape OutShape(const PoolCase& c) {
  const Window2d& w = c.window;
  return {c.in.n, c.in.c,
          PooledSize(c.in.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, c.ceil_mode),
          PooledSize(c.in.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, c.ceil_mode)};
}

// Visits every window position; max ignores positions outside the image; avg divides by
// the positions inside [-pad_begin, size + pad_end) (count_include_pad) or inside the image.
std::vector<double> ReferencePool(const PoolCase& c, const std::vector<float>& in, bool max) {
  const Shape o = OutShape(c);
  const Window2d& w = c.window;
  std::vector<double> out(o.elements());
  for (int64_t n = 0; n < o.n; ++n)
    for (int64_t ch = 0; ch < o.c; ++ch)
      for (int64_t y = 0; y < o.h; ++y)
        for (int64_t x = 0; x < o.w; ++x) {
          double best = -std::numeric_limits<double>::infinity(), sum = 0;
          int64_t padded_count = 0, image_count = 0;
          for (int i = 0; i < w.kernel_h; ++i)
            for (int j = 0; j < w.kernel_w; ++j) {
              const int64_t iy = y * w.stride_h - w.pad_top + i;
              const int64_t ix = x * w.stride_w - w.pad_left + j;
              if (iy < c.in.h + w.pad_bottom && ix < c.in.w + w.pad_right) ++padded_count;
              if (iy < 0 || iy >= c.in.h || ix < 0 || ix >= c.in.w) continue;
              const double v = in[((n * c.in.c + ch) * c.in.h + iy) * c.in.w + ix];
              best = std::max(best, v);
              sum += v;
              ++image_count;
            }
          out[((n * o.c + ch) * o.h + y) * o.w + x] =
              max ? best : sum / (c.count_include_pad ? padded_count : image_count);
        }
  return out;
}

double MaxAbsDiff(const std::vector<double>& want, const std::vector<float>& got) {
  double m = 0;
  for (size_t i = 0; i < want.size(); ++i) m = std::max(m, std::abs(want[i] - got[i]));
  return m;
}

const PoolCase kCases[] = {
    {"3x3/2 ceil on 13x13", {1, 2, 13, 13}, Win(3, 3, 2, 2, 0, 0, 0, 0), true, true},
    {"3x3/2 ceil on 14x14: last window clipped",
     {3, 2, 14, 14},
     Win(3, 3, 2, 2, 0, 0, 0, 0),
     true,
     true},
    {"3x3/2 pad 1 ceil on 14x14, include pad",
     {1, 3, 14, 14},
     Win(3, 3, 2, 2, 1, 1, 1, 1),
     true,
     true},
    {"3x3/2 pad 1 ceil on 14x14, exclude pad",
     {1, 3, 14, 14},
     Win(3, 3, 2, 2, 1, 1, 1, 1),
     true,
     false},
    {"2x2/3 pad 1 ceil on 4x10: a window dropped",
     {1, 2, 4, 10},
     Win(2, 2, 3, 4, 1, 1, 1, 1),
     true,
     true},
    {"3x3/1 pad 1 on 7x9 (branch4 pool)", {3, 4, 7, 9}, Win(3, 3, 1, 1, 1, 1, 1, 1), false, true},
    {"3x3/1 pad 1 on 7x9, exclude pad", {1, 4, 7, 9}, Win(3, 3, 1, 1, 1, 1, 1, 1), false, false},
    {"5x5/3 floor on 14x14 (aux avg pool)",
     {1, 2, 14, 14},
     Win(5, 5, 3, 3, 0, 0, 0, 0),
     false,
     true},
    {"pad only bottom/right", {1, 2, 7, 8}, Win(3, 2, 2, 2, 0, 0, 2, 1), true, true},
    {"pad only top/left, exclude pad", {3, 2, 9, 7}, Win(3, 3, 2, 2, 1, 1, 0, 0), true, false},
    {"GoogLeNet pool1 3x3/2 ceil 112 -> 56",
     {1, 64, 112, 112},
     Win(3, 3, 2, 2, 0, 0, 0, 0),
     true,
     true},
};

TEST(PoolForward, OutputSizesOfTheCasesAreThoseOfPyTorch) {
  EXPECT_EQ(OutShape(kCases[0]).h, 6);
  EXPECT_EQ(OutShape(kCases[1]).h, 7);
  EXPECT_EQ(OutShape(kCases[2]).h, 8);
  EXPECT_EQ(OutShape(kCases[4]).h, 2);  // ceil gives 3 windows; the third starts at 5 >= 4 + 1
  EXPECT_EQ(OutShape(kCases[4]).w, 3);
  EXPECT_EQ(OutShape(kCases[10]).h, 56);
}

TEST(PoolForward, MaxAndAvgMatchTheDefinition) {
  for (const PoolCase& c : kCases) {
    SCOPED_TRACE(c.name);
    const Shape o = OutShape(c);
    const auto in = Random(c.in.elements(), 1);
    PoolAttrs a;
    a.window = c.window;
    a.ceil_mode = c.ceil_mode;
    a.count_include_pad = c.count_include_pad;
    std::vector<float> out(o.elements());
    MaxPoolForward(ConstTensorView(in.data(), c.in), a, TensorView(out.data(), o));
    EXPECT_EQ(MaxAbsDiff(ReferencePool(c, in, true), out), 0.0);
    AvgPoolForward(ConstTensorView(in.data(), c.in), a, TensorView(out.data(), o));
    EXPECT_LE(MaxAbsDiff(ReferencePool(c, in, false), out), 1e-6);
  }
}

TEST(PoolForward, WritesIntoAChannelSliceOnly) {
  const PoolCase& c = kCases[3];
  const Shape o = OutShape(c);
  const auto in = Random(c.in.elements(), 2);
  PoolAttrs a;
  a.window = c.window;
  a.ceil_mode = c.ceil_mode;
  a.count_include_pad = c.count_include_pad;
  const int64_t total = 7, first = 2;
  const float kSentinel = 9.0f;
  std::vector<float> big(o.n * total * o.plane(), kSentinel);
  AvgPoolForward(ConstTensorView(in.data(), c.in), a,
                 TensorView(big.data() + first * o.plane(), o, total * o.plane()));
  const auto want = ReferencePool(c, in, false);
  for (int64_t ch = 0; ch < total; ++ch)
    for (int64_t p = 0; p < o.plane(); ++p) {
      const float v = big[ch * o.plane() + p];
      if (ch >= first && ch < first + o.c)
        EXPECT_NEAR(v, want[(ch - first) * o.plane() + p], 1e-6);
      else
        EXPECT_EQ(v, kSentinel);
    }
}

TEST(PoolForward, MaxPropagatesNaNAndRejectsAWrongOutputSize) {
  std::vector<float> in(9, 1.0f), out(1);
  in[4] = std::numeric_limits<float>::quiet_NaN();
  PoolAttrs a;
  a.window = Win(3, 3, 1, 1, 0, 0, 0, 0);
  MaxPoolForward(ConstTensorView(in.data(), {1, 1, 3, 3}), a, TensorView(out.data(), {1, 1, 1, 1}));
  EXPECT_TRUE(std::isnan(out[0]));
  std::vector<float> wrong(4);
  EXPECT_THROW(MaxPoolForward(ConstTensorView(in.data(), {1, 1, 3, 3}), a,
                              TensorView(wrong.data(), {1, 1, 2, 2})),
               Error);
}

// PyTorch: rows [floor(i*H/OH), ceil((i+1)*H/OH)).
std::vector<double> ReferenceAdaptive(const Shape& in_shape, const std::vector<float>& in,
                                      int64_t oh, int64_t ow) {
  std::vector<double> out(in_shape.n * in_shape.c * oh * ow);
  for (int64_t nc = 0; nc < in_shape.n * in_shape.c; ++nc)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        const int64_t y0 = static_cast<int64_t>(std::floor(double(y) * in_shape.h / oh));
        const int64_t y1 = static_cast<int64_t>(std::ceil(double(y + 1) * in_shape.h / oh));
        const int64_t x0 = static_cast<int64_t>(std::floor(double(x) * in_shape.w / ow));
        const int64_t x1 = static_cast<int64_t>(std::ceil(double(x + 1) * in_shape.w / ow));
        double s = 0;
        for (int64_t iy = y0; iy < y1; ++iy)
          for (int64_t ix = x0; ix < x1; ++ix) s += in[(nc * in_shape.h + iy) * in_shape.w + ix];
        out[(nc * oh + y) * ow + x] = s / ((y1 - y0) * (x1 - x0));
      }
  return out;
}

TEST(AdaptiveAvgPoolForward, MatchesPyTorchWindows) {
  struct Case {
    Shape in;
    int64_t oh, ow;
  };
  const Case cases[] = {{{1, 1024, 7, 7}, 1, 1},
                        {{3, 3, 13, 11}, 4, 3},
                        {{1, 2, 5, 5}, 7, 7},
                        {{1, 2, 14, 14}, 4, 4}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in.str());
    const auto in = Random(c.in.elements(), 3);
    const Shape o{c.in.n, c.in.c, c.oh, c.ow};
    std::vector<float> out(o.elements());
    AdaptiveAvgPoolForward(ConstTensorView(in.data(), c.in), TensorView(out.data(), o));
    EXPECT_LE(MaxAbsDiff(ReferenceAdaptive(c.in, in, c.oh, c.ow), out), 1e-6);
  }
}

}  // namespace
}  // namespace incept

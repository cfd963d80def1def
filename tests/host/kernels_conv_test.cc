// Conv2dForward against a direct double-precision loop: odd sizes, strides, asymmetric
// padding, groups, batch 1 and 3, 1x1 direct and im2col paths, strided input and output
// views (channel slices), and GoogLeNet's conv1 at batch 1.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "graph/error.h"
#include "host/kernels/conv2d.h"
#include "tests/host/kernel_test_util.h"

namespace incept {
namespace {

using kernel_test::Random;
using kernel_test::RelativeL2;

struct ConvCase {
  const char* name;
  Shape in;
  int out_channels;
  Window2d window;
  int groups;
  bool bias;
  Activation activation;
};

Window2d Win(int kh, int kw, int sh, int sw, int top, int left, int bottom, int right) {
  Window2d w;
  w.kernel_h = kh, w.kernel_w = kw, w.stride_h = sh, w.stride_w = sw;
  w.pad_top = top, w.pad_left = left, w.pad_bottom = bottom, w.pad_right = right;
  return w;
}

Shape OutShape(const ConvCase& c) {
  const Window2d& w = c.window;
  return Shape{c.in.n, c.out_channels,
               (c.in.h + w.pad_top + w.pad_bottom - w.kernel_h) / w.stride_h + 1,
               (c.in.w + w.pad_left + w.pad_right - w.kernel_w) / w.stride_w + 1};
}

Conv2dAttrs AttrsOf(const ConvCase& c) {
  Conv2dAttrs a;
  a.out_channels = c.out_channels;
  a.window = c.window;
  a.groups = c.groups;
  a.has_bias = c.bias;
  a.activation = c.activation;
  return a;
}

// The definition: out[n][o][y][x] = act(bias[o] + sum in * weight), zero outside the input.
std::vector<double> ReferenceConv(const ConvCase& c, const std::vector<float>& in,
                                  const std::vector<float>& weight, const float* bias) {
  const Shape o = OutShape(c);
  const Window2d& w = c.window;
  const int64_t cig = c.in.c / c.groups, cog = c.out_channels / c.groups;
  std::vector<double> out(o.elements());
  for (int64_t n = 0; n < o.n; ++n)
    for (int64_t oc = 0; oc < o.c; ++oc)
      for (int64_t y = 0; y < o.h; ++y)
        for (int64_t x = 0; x < o.w; ++x) {
          double s = bias ? bias[oc] : 0.0;
          const int64_t g = oc / cog;
          for (int64_t ic = 0; ic < cig; ++ic)
            for (int i = 0; i < w.kernel_h; ++i)
              for (int j = 0; j < w.kernel_w; ++j) {
                const int64_t iy = y * w.stride_h - w.pad_top + i;
                const int64_t ix = x * w.stride_w - w.pad_left + j;
                if (iy < 0 || iy >= c.in.h || ix < 0 || ix >= c.in.w) continue;
                s += double(in[((n * c.in.c + g * cig + ic) * c.in.h + iy) * c.in.w + ix]) *
                     weight[((oc * cig + ic) * w.kernel_h + i) * w.kernel_w + j];
              }
          if (c.activation == Activation::kReLU && s < 0) s = 0;
          out[((n * o.c + oc) * o.h + y) * o.w + x] = s;
        }
  return out;
}

void CheckCase(const ConvCase& c, double tolerance = 1e-5) {
  SCOPED_TRACE(c.name);
  const Shape o = OutShape(c);
  const auto in = Random(c.in.elements(), 1);
  const auto weight = Random(o.c * (c.in.c / c.groups) * c.window.kernel_h * c.window.kernel_w, 2);
  const auto bias = Random(o.c, 3);
  std::vector<float> out(o.elements(), 123.0f);
  Conv2dForward(ConstTensorView(in.data(), c.in), weight.data(), c.bias ? bias.data() : nullptr,
                AttrsOf(c), TensorView(out.data(), o));
  const auto want = ReferenceConv(c, in, weight, c.bias ? bias.data() : nullptr);
  EXPECT_LE(RelativeL2(want, out), tolerance);
}

TEST(Conv2dForward, SmallShapesMatchTheDefinition) {
  const Activation kNone = Activation::kNone, kReLU = Activation::kReLU;
  const ConvCase cases[] = {
      {"3x3 pad 1 on 7x9", {1, 3, 7, 9}, 5, Win(3, 3, 1, 1, 1, 1, 1, 1), 1, true, kNone},
      {"3x3/2 groups 2 batch 3 on 13x13",
       {3, 4, 13, 13},
       6,
       Win(3, 3, 2, 2, 1, 1, 1, 1),
       2,
       true,
       kReLU},
      {"5x3 stride (2,1) asymmetric pad",
       {1, 5, 9, 7},
       4,
       Win(5, 3, 2, 1, 2, 0, 1, 1),
       1,
       false,
       kNone},
      {"pad only bottom/right", {3, 3, 8, 11}, 4, Win(2, 2, 2, 2, 0, 0, 1, 1), 1, true, kReLU},
      {"1x1 direct batch 3", {3, 8, 6, 6}, 16, Win(1, 1, 1, 1, 0, 0, 0, 0), 1, true, kReLU},
      {"1x1 stride 2", {2, 8, 7, 7}, 8, Win(1, 1, 2, 2, 0, 0, 0, 0), 1, false, kNone},
      {"1x1 padded", {1, 4, 5, 5}, 3, Win(1, 1, 1, 1, 1, 1, 1, 1), 1, true, kNone},
      {"7x7/2 pad 3 on 11x11", {1, 3, 11, 11}, 7, Win(7, 7, 2, 2, 3, 3, 3, 3), 1, true, kReLU},
      {"depthwise", {1, 6, 8, 8}, 6, Win(3, 3, 1, 1, 1, 1, 1, 1), 6, true, kNone},
      {"kernel wider than the input", {1, 2, 3, 3}, 3, Win(5, 5, 1, 1, 2, 2, 2, 2), 1, true, kNone},
      // Several MC row blocks, KC slices and column blocks of the GEMM.
      {"many channels 3x3 on 20x20",
       {1, 64, 20, 20},
       200,
       Win(3, 3, 1, 1, 1, 1, 1, 1),
       1,
       true,
       kReLU},
      {"many channels batch 3 1x1 on 9x9",
       {3, 300, 9, 9},
       130,
       Win(1, 1, 1, 1, 0, 0, 0, 0),
       1,
       true,
       kNone},
  };
  for (const ConvCase& c : cases) CheckCase(c);
}

TEST(Conv2dForward, GoogLeNetConv1AtBatch1) {
  CheckCase({"conv1 7x7/2 pad 3, 3x224x224 -> 64x112x112",
             {1, 3, 224, 224},
             64,
             Win(7, 7, 2, 2, 3, 3, 3, 3),
             1,
             true,
             Activation::kReLU});
}

TEST(Conv2dForward, GoogLeNetConv2_3x3AtBatch1) {
  CheckCase({"conv2 3x3 64->192 on 56x56",
             {1, 64, 56, 56},
             192,
             Win(3, 3, 1, 1, 1, 1, 1, 1),
             1,
             true,
             Activation::kReLU});
}

// Input and output are channel slices of bigger buffers; the other channels stay as they were.
TEST(Conv2dForward, ReadsAndWritesChannelSlices) {
  const ConvCase c{"slice", {3, 4, 9, 7},     5, Win(3, 3, 2, 1, 1, 1, 0, 1), 1,
                   true,    Activation::kReLU};
  const Shape o = OutShape(c);
  const int64_t in_total = 10, in_first = 3, out_total = 12, out_first = 4;
  const auto big_in = Random(c.in.n * in_total * c.in.h * c.in.w, 4);
  std::vector<float> in(c.in.elements());
  for (int64_t n = 0; n < c.in.n; ++n)
    for (int64_t i = 0; i < c.in.per_image(); ++i)
      in[n * c.in.per_image() + i] =
          big_in[n * in_total * c.in.plane() + in_first * c.in.plane() + i];
  const auto weight = Random(o.c * c.in.c * 9, 5);
  const auto bias = Random(o.c, 6);
  const float kSentinel = -777.0f;
  std::vector<float> big_out(o.n * out_total * o.plane(), kSentinel);
  Conv2dForward(
      ConstTensorView(big_in.data() + in_first * c.in.plane(), c.in, in_total * c.in.plane()),
      weight.data(), bias.data(), AttrsOf(c),
      TensorView(big_out.data() + out_first * o.plane(), o, out_total * o.plane()));
  const auto want = ReferenceConv(c, in, weight, bias.data());
  std::vector<float> got(o.elements());
  for (int64_t n = 0; n < o.n; ++n)
    for (int64_t ch = 0; ch < out_total; ++ch)
      for (int64_t p = 0; p < o.plane(); ++p) {
        const float v = big_out[(n * out_total + ch) * o.plane() + p];
        if (ch >= out_first && ch < out_first + o.c)
          got[(n * o.c + ch - out_first) * o.plane() + p] = v;
        else
          ASSERT_EQ(v, kSentinel) << "channel " << ch << " of image " << n << " was written";
      }
  EXPECT_LE(RelativeL2(want, got), 1e-5);
}

TEST(Conv2dForward, RejectsAWrongOutputShape) {
  Conv2dAttrs a;
  a.out_channels = 4;
  a.window = Win(3, 3, 1, 1, 1, 1, 1, 1);
  std::vector<float> in(2 * 5 * 5), w(4 * 2 * 9), out(4 * 5 * 4);
  EXPECT_THROW(Conv2dForward(ConstTensorView(in.data(), {1, 2, 5, 5}), w.data(), nullptr, a,
                             TensorView(out.data(), {1, 4, 5, 4})),
               Error);
  a.groups = 3;
  EXPECT_THROW(Conv2dForward(ConstTensorView(in.data(), {1, 2, 5, 5}), w.data(), nullptr, a,
                             TensorView(out.data(), {1, 4, 5, 5})),
               Error);
}

}  // namespace
}  // namespace incept

// FusedReduceConvForward against a reference that builds the reduced tensor explicitly
// (1x1 conv + bias + ReLU, in double), zero-pads it and convolves. A second reference pads
// the *input* and then reduces (so the border is relu(reduce_bias), the wrong semantics);
// the kernel must differ from it when reduce_bias > 0, so the border test can fail.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "host/kernels/fused_reduce_conv.h"
#include "tests/host/kernel_test_util.h"

namespace incept {
namespace {

using kernel_test::Random;
using kernel_test::RelativeL2;

struct FusedCase {
  const char* name;
  Shape in;
  int reduce, out_channels, kernel, stride, pad, groups;
  Activation activation;
  int kernel_w_arg = 0;  // 0: kernel (square); else `kernel` is the height (1x7: 1, 7)
  int pad_w_arg = -1;    // -1: pad; else `pad` is the top/bottom padding
  int kh() const { return kernel; }
  int kw() const { return kernel_w_arg > 0 ? kernel_w_arg : kernel; }
  int ph() const { return pad; }
  int pw() const { return pad_w_arg >= 0 ? pad_w_arg : pad; }
};

Shape OutShape(const FusedCase& c) {
  return {c.in.n, c.out_channels, (c.in.h + 2 * c.ph() - c.kh()) / c.stride + 1,
          (c.in.w + 2 * c.pw() - c.kw()) / c.stride + 1};
}

FusedReduceConvAttrs AttrsOf(const FusedCase& c) {
  FusedReduceConvAttrs a;
  a.reduce_channels = c.reduce;
  a.conv.out_channels = c.out_channels;
  a.conv.window.kernel_h = c.kh();
  a.conv.window.kernel_w = c.kw();
  a.conv.window.stride_h = a.conv.window.stride_w = c.stride;
  a.conv.window.pad_top = a.conv.window.pad_bottom = c.ph();
  a.conv.window.pad_left = a.conv.window.pad_right = c.pw();
  a.conv.groups = c.groups;
  a.conv.has_bias = true;
  a.conv.activation = c.activation;
  return a;
}

struct Params {
  std::vector<float> in, reduce_weight, reduce_bias, weight, bias;
};

Params MakeParams(const FusedCase& c) {
  Params p;
  p.in = Random(c.in.elements(), 1);
  p.reduce_weight = Random(c.reduce * c.in.c, 2, -0.3f, 0.3f);
  p.reduce_bias = Random(c.reduce, 3, 0.2f, 1.0f);  // > 0: relu(bias) != 0 at the border
  p.weight = Random(c.out_channels * (c.reduce / c.groups) * c.kh() * c.kw(), 4);
  p.bias = Random(c.out_channels, 5);
  return p;
}

// pad_reduced: pad the reduced tensor with 0 (the op's definition); otherwise pad the input
// with 0 and reduce it, so the padded border becomes relu(reduce_bias).
std::vector<double> Reference(const FusedCase& c, const Params& p, bool pad_reduced) {
  const int64_t hp = c.in.h + 2 * c.ph(), wp = c.in.w + 2 * c.pw();
  // The padded reduced tensor, [n][r][hp][wp].
  std::vector<double> reduced(c.in.n * c.reduce * hp * wp, 0.0);
  for (int64_t n = 0; n < c.in.n; ++n)
    for (int64_t r = 0; r < c.reduce; ++r)
      for (int64_t y = 0; y < hp; ++y)
        for (int64_t x = 0; x < wp; ++x) {
          const int64_t iy = y - c.ph(), ix = x - c.pw();
          const bool inside = iy >= 0 && iy < c.in.h && ix >= 0 && ix < c.in.w;
          if (pad_reduced && !inside) continue;
          double s = p.reduce_bias[r];
          if (inside)
            for (int64_t ch = 0; ch < c.in.c; ++ch)
              s += double(p.reduce_weight[r * c.in.c + ch]) *
                   p.in[((n * c.in.c + ch) * c.in.h + iy) * c.in.w + ix];
          reduced[((n * c.reduce + r) * hp + y) * wp + x] = std::max(s, 0.0);
        }
  const Shape o = OutShape(c);
  const int64_t rig = c.reduce / c.groups, cog = c.out_channels / c.groups;
  std::vector<double> out(o.elements());
  for (int64_t n = 0; n < o.n; ++n)
    for (int64_t oc = 0; oc < o.c; ++oc)
      for (int64_t y = 0; y < o.h; ++y)
        for (int64_t x = 0; x < o.w; ++x) {
          double s = p.bias[oc];
          for (int64_t r = 0; r < rig; ++r)
            for (int i = 0; i < c.kh(); ++i)
              for (int j = 0; j < c.kw(); ++j)
                s += double(p.weight[((oc * rig + r) * c.kh() + i) * c.kw() + j]) *
                     reduced[((n * c.reduce + (oc / cog) * rig + r) * hp + y * c.stride + i) * wp +
                             x * c.stride + j];
          if (c.activation == Activation::kReLU) s = std::max(s, 0.0);
          out[((n * o.c + oc) * o.h + y) * o.w + x] = s;
        }
  return out;
}

void CheckCase(const FusedCase& c) {
  SCOPED_TRACE(c.name);
  const Params p = MakeParams(c);
  const Shape o = OutShape(c);
  std::vector<float> out(o.elements(), 42.0f);
  FusedReduceConvForward(ConstTensorView(p.in.data(), c.in), p.reduce_weight.data(),
                         p.reduce_bias.data(), p.weight.data(), p.bias.data(), AttrsOf(c),
                         TensorView(out.data(), o));
  EXPECT_LE(RelativeL2(Reference(c, p, true), out), 1e-5);
  if (c.ph() > 0 || c.pw() > 0) {
    // The wrong semantics gives a clearly different answer, so the check above can fail.
    EXPECT_GE(RelativeL2(Reference(c, p, false), out), 1e-3);
  }
}

TEST(FusedReduceConvForward, MatchesReduceThenZeroPadThenConv) {
  const FusedCase cases[] = {
      {"3x3 pad 1 on 7x9", {1, 6, 7, 9}, 4, 5, 3, 1, 1, 1, Activation::kReLU},
      {"5x5 pad 2 batch 3 on 13x13", {3, 8, 13, 13}, 6, 7, 5, 1, 2, 1, Activation::kNone},
      {"3x3/2 pad 1 groups 2", {1, 5, 9, 9}, 4, 6, 3, 2, 1, 2, Activation::kReLU},
      {"3x3 no pad", {3, 4, 6, 6}, 3, 4, 3, 1, 0, 1, Activation::kReLU},
  };
  for (const FusedCase& c : cases) CheckCase(c);
}

TEST(FusedReduceConvForward, GoogLeNetInception3a3x3Branch) {
  CheckCase({"inception3a: 192 -> reduce 96 -> 3x3 128 on 28x28",
             {1, 192, 28, 28},
             96,
             128,
             3,
             1,
             1,
             1,
             Activation::kReLU});
}

// Inception-v3's factorised kernels (1x7, 7x1, 1x3, 3x1 with padding on one axis only) and
// its stride-2 3x3 without padding, at its map sizes (17x17, 8x8) and odd ones, batch 1 and 3.
TEST(FusedReduceConvForward, InceptionV3AsymmetricKernels) {
  const FusedCase cases[] = {
      {"1x7 pad (0, 3) on 17x17", {1, 24, 17, 17}, 12, 10, 1, 1, 0, 1, Activation::kReLU, 7, 3},
      {"7x1 pad (3, 0) batch 3 on 17x17",
       {3, 16, 17, 17},
       8,
       6,
       7,
       1,
       3,
       1,
       Activation::kReLU,
       1,
       0},
      {"1x3 pad (0, 1) on 8x8", {1, 20, 8, 8}, 10, 9, 1, 1, 0, 1, Activation::kReLU, 3, 1},
      {"3x1 pad (1, 0) batch 3 on 5x7", {3, 6, 5, 7}, 5, 4, 3, 1, 1, 1, Activation::kNone, 1, 0},
      {"3x3/2 no pad on 17x17 (Mixed_7a)", {1, 12, 17, 17}, 8, 7, 3, 2, 0, 1, Activation::kReLU},
      {"1x7 pad (0, 3) on 4x9", {3, 5, 4, 9}, 3, 4, 1, 1, 0, 1, Activation::kReLU, 7, 3},
  };
  for (const FusedCase& c : cases) CheckCase(c);
}

TEST(FusedReduceConvForward, WritesIntoAChannelSliceOnly) {
  const FusedCase c{"slice", {3, 6, 7, 7}, 4, 5, 3, 1, 1, 1, Activation::kReLU};
  const Params p = MakeParams(c);
  const Shape o = OutShape(c);
  const int64_t total = 11, first = 6;
  const float kSentinel = -3.0f;
  std::vector<float> big(o.n * total * o.plane(), kSentinel);
  FusedReduceConvForward(ConstTensorView(p.in.data(), c.in), p.reduce_weight.data(),
                         p.reduce_bias.data(), p.weight.data(), p.bias.data(), AttrsOf(c),
                         TensorView(big.data() + first * o.plane(), o, total * o.plane()));
  const auto want = Reference(c, p, true);
  std::vector<float> got(o.elements());
  for (int64_t n = 0; n < o.n; ++n)
    for (int64_t ch = 0; ch < total; ++ch)
      for (int64_t q = 0; q < o.plane(); ++q) {
        const float v = big[(n * total + ch) * o.plane() + q];
        if (ch >= first && ch < first + o.c)
          got[(n * o.c + ch - first) * o.plane() + q] = v;
        else
          ASSERT_EQ(v, kSentinel);
      }
  EXPECT_LE(RelativeL2(want, got), 1e-5);
}

}  // namespace
}  // namespace incept

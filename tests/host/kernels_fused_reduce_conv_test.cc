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
};

Shape OutShape(const FusedCase& c) {
  return {c.in.n, c.out_channels, (c.in.h + 2 * c.pad - c.kernel) / c.stride + 1,
          (c.in.w + 2 * c.pad - c.kernel) / c.stride + 1};
}

FusedReduceConvAttrs AttrsOf(const FusedCase& c) {
  FusedReduceConvAttrs a;
  a.reduce_channels = c.reduce;
  a.conv.out_channels = c.out_channels;
  a.conv.window.kernel_h = a.conv.window.kernel_w = c.kernel;
  a.conv.window.stride_h = a.conv.window.stride_w = c.stride;
  a.conv.window.pad_top = a.conv.window.pad_left = c.pad;
  a.conv.window.pad_bottom = a.conv.window.pad_right = c.pad;
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
  p.weight = Random(c.out_channels * (c.reduce / c.groups) * c.kernel * c.kernel, 4);
  p.bias = Random(c.out_channels, 5);
  return p;
}

// pad_reduced: pad the reduced tensor with 0 (the op's definition); otherwise pad the input
// with 0 and reduce it, so the padded border becomes relu(reduce_bias).
std::vector<double> Reference(const FusedCase& c, const Params& p, bool pad_reduced) {
  const int64_t hp = c.in.h + 2 * c.pad, wp = c.in.w + 2 * c.pad;
  // The padded reduced tensor, [n][r][hp][wp].
  std::vector<double> reduced(c.in.n * c.reduce * hp * wp, 0.0);
  for (int64_t n = 0; n < c.in.n; ++n)
    for (int64_t r = 0; r < c.reduce; ++r)
      for (int64_t y = 0; y < hp; ++y)
        for (int64_t x = 0; x < wp; ++x) {
          const int64_t iy = y - c.pad, ix = x - c.pad;
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
            for (int i = 0; i < c.kernel; ++i)
              for (int j = 0; j < c.kernel; ++j)
                s += double(p.weight[((oc * rig + r) * c.kernel + i) * c.kernel + j]) *
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
  if (c.pad > 0) {
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

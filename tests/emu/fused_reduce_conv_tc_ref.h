// The host reference of the tensor-core fused reduce conv, rounding like the device, and the
// 19 GoogLeNet reduce -> conv pairs; shared by the emu and gpu tests and the benchmark.
//
//   z   = round_T(relu(b1 + sum_ci x W1))       inside the image; 0 outside (the conv pads z)
//   out = round_T(act(b2 + sum_{ky,kx,r} z W2))
// x, W1, W2 already rounded to T (fp16/bf16); sums in double. The device sums in fp32 in
// another order, so z may differ by one T ulp where the sum lies near a rounding boundary.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cuda/kernels/fused_reduce_conv_tc_args.h"
#include "cuda/kernels/googlenet_reduce_pairs.h"
#include "graph/op.h"
#include "graph/window_output_size.h"

namespace incept {
namespace tc_testing {

using Pair = GoogLeNetReducePair;

inline const std::vector<Pair>& GoogLeNetPairs() { return GoogLeNetReducePairs(); }

inline FusedReduceConvAttrs AttrsOf(const GoogLeNetReducePair& p) {
  FusedReduceConvAttrs a;
  a.in_channels = p.in_c;
  a.reduce_channels = p.reduce_c;
  a.conv.in_channels = p.reduce_c;
  a.conv.out_channels = p.out_c;
  const int pad = p.kernel / 2;
  a.conv.window = {p.kernel, p.kernel, 1, 1, pad, pad, pad, pad};
  a.conv.has_bias = true;
  a.conv.activation = Activation::kReLU;
  return a;
}

// Seeded inputs and weights of one problem, rounded to the element type.
struct Problem {
  simt::TcElement element;
  FusedReduceConvAttrs attrs;
  Shape in_shape, out_shape;          // logical NCHW shapes; the data is NHWC
  std::vector<uint16_t> x;            // NHWC, dense
  std::vector<float> w1, b1, w2, b2;  // fp32 [Cr][Cin], [Cr], [Cout][Cr][K][K], [Cout]

  Problem(simt::TcElement e, const FusedReduceConvAttrs& a, int n, int h, int w, uint32_t seed)
      : element(e), attrs(a) {
    const Window2d& win = a.conv.window;
    in_shape = {n, a.in_channels, h, w};
    out_shape = {n, a.conv.out_channels,
                 WindowOutputSize(h, win.kernel_h, 1, win.pad_top, win.pad_bottom, false),
                 WindowOutputSize(w, win.kernel_w, 1, win.pad_left, win.pad_right, false)};
    std::mt19937 rng(seed);
    auto uniform = [&](float lo, float hi) {
      return std::uniform_real_distribution<float>(lo, hi)(rng);
    };
    x.resize(static_cast<size_t>(in_shape.elements()));
    for (auto& v : x) v = simt::TcBits(e, uniform(-1.0f, 1.0f));
    const float s1 = std::sqrt(3.0f / a.in_channels);
    const int kk = win.kernel_h * win.kernel_w;
    const float s2 = std::sqrt(3.0f / (a.reduce_channels * kk));
    w1.resize(static_cast<size_t>(a.reduce_channels) * a.in_channels);
    for (auto& v : w1) v = simt::TcRound(e, uniform(-s1, s1));
    b1.resize(a.reduce_channels);
    for (auto& v : b1) v = uniform(0.05f, 0.5f);  // relu(b1) > 0: padding as relu(b1) shows
    w2.resize(static_cast<size_t>(a.conv.out_channels) * a.reduce_channels * kk);
    for (auto& v : w2) v = simt::TcRound(e, uniform(-s2, s2));
    b2.resize(a.conv.out_channels);
    for (auto& v : b2) v = uniform(-0.2f, 0.2f);
  }

  float X(int64_t n, int64_t y, int64_t xx, int64_t c) const {
    return simt::TcValue(
        element, x[static_cast<size_t>(((n * in_shape.h + y) * in_shape.w + xx) * in_shape.c + c)]);
  }

  // The expected output, NHWC dense, as fp32 values of T.
  std::vector<float> Reference() const {
    const int64_t n_img = in_shape.n, h = in_shape.h, w = in_shape.w, cin = in_shape.c;
    const int cr = attrs.reduce_channels, cout = attrs.conv.out_channels;
    const Window2d& win = attrs.conv.window;
    std::vector<float> z(static_cast<size_t>(n_img * h * w * cr));
    for (int64_t n = 0; n < n_img; ++n)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t xx = 0; xx < w; ++xx)
          for (int r = 0; r < cr; ++r) {
            double acc = b1[r];
            for (int64_t c = 0; c < cin; ++c) acc += double(X(n, y, xx, c)) * w1[r * cin + c];
            z[static_cast<size_t>(((n * h + y) * w + xx) * cr + r)] =
                simt::TcRound(element, static_cast<float>(acc > 0.0 ? acc : 0.0));
          }
    const int64_t oh = out_shape.h, ow = out_shape.w;
    std::vector<float> out(static_cast<size_t>(n_img * oh * ow * cout));
    for (int64_t n = 0; n < n_img; ++n)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox)
          for (int co = 0; co < cout; ++co) {
            double acc = attrs.conv.has_bias ? b2[co] : 0.0;
            for (int ky = 0; ky < win.kernel_h; ++ky)
              for (int kx = 0; kx < win.kernel_w; ++kx) {
                const int64_t y = oy - win.pad_top + ky, xx = ox - win.pad_left + kx;
                if (y < 0 || y >= h || xx < 0 || xx >= w) continue;  // z is 0 there
                const float* zp = &z[static_cast<size_t>(((n * h + y) * w + xx) * cr)];
                const float* wp = &w2[static_cast<size_t>(co) * cr * win.kernel_h * win.kernel_w +
                                      ky * win.kernel_w + kx];
                for (int r = 0; r < cr; ++r)
                  acc += double(zp[r]) * wp[static_cast<size_t>(r) * win.kernel_h * win.kernel_w];
              }
            if (attrs.conv.activation == Activation::kReLU && acc < 0.0) acc = 0.0;
            out[static_cast<size_t>(((n * oh + oy) * ow + ox) * cout + co)] =
                simt::TcRound(element, static_cast<float>(acc));
          }
    return out;
  }
};

// A copy of `bits` at a 64-byte aligned address (fragment loads need 32-byte alignment,
// which cudaMalloc gives and std::vector does not).
class AlignedBits {
 public:
  explicit AlignedBits(const std::vector<uint16_t>& bits) : storage_(bits.size() + 32) {
    const auto addr = reinterpret_cast<uintptr_t>(storage_.data());
    offset_ = ((addr + 63) / 64 * 64 - addr) / sizeof(uint16_t);
    std::copy(bits.begin(), bits.end(), storage_.begin() + static_cast<std::ptrdiff_t>(offset_));
  }
  const uint16_t* data() const { return storage_.data() + offset_; }

 private:
  std::vector<uint16_t> storage_;
  size_t offset_ = 0;
};

// Normalised L2 error sqrt(sum d^2 / sum ref^2) and the largest |d| / max|ref|; NaN counts.
struct ErrorStats {
  double normalised = 0.0, max_relative = 0.0;
  bool nan = false;
};

inline ErrorStats Compare(const std::vector<float>& got, const std::vector<float>& want) {
  ErrorStats s;
  double err = 0.0, ref = 0.0, max_abs = 0.0, max_ref = 0.0;
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) {
    if (std::isnan(got[i]) || std::isnan(want[i])) s.nan = true;
    const double d = double(got[i]) - want[i];
    err += d * d;
    ref += double(want[i]) * want[i];
    max_abs = std::fmax(max_abs, std::fabs(d));
    max_ref = std::fmax(max_ref, std::fabs(want[i]));
  }
  if (got.size() != want.size()) s.nan = true;
  s.normalised = std::sqrt(err / (ref > 0.0 ? ref : 1.0));
  s.max_relative = max_abs / (max_ref > 0.0 ? max_ref : 1.0);
  return s;
}

// The stated bounds: a few ulps of T on the normalised error (fp16 ulp 2^-10, bf16 2^-7).
inline double NormalisedBound(simt::TcElement e) {
  return e == simt::TcElement::kHalf ? 2e-3 : 1.6e-2;
}
inline double MaxRelativeBound(simt::TcElement e) {
  return e == simt::TcElement::kHalf ? 8e-3 : 4e-2;
}

}  // namespace tc_testing
}  // namespace incept

// Naive double-precision references for the kernel tests, written straight from each op's
// formula (independent of the host backend's kernels and of the SIMT kernels).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "graph/op.h"
#include "tests/emu/emu_test_util.h"

namespace incept {
namespace naive {

using testing_util::HostTensor;

inline std::vector<double> Pool(bool max, const HostTensor& x, const PoolAttrs& a, Shape out) {
  const Window2d& w = a.window;
  std::vector<double> y;
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t c = 0; c < out.c; ++c)
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) {
          double best = -std::numeric_limits<double>::infinity(), sum = 0.0;
          int inside = 0, padded = 0;
          for (int ky = 0; ky < w.kernel_h; ++ky)
            for (int kx = 0; kx < w.kernel_w; ++kx) {
              const int64_t iy = oy * w.stride_h - w.pad_top + ky;
              const int64_t ix = ox * w.stride_w - w.pad_left + kx;
              // Positions in the padded image count for count_include_pad.
              if (iy < x.shape.h + w.pad_bottom && ix < x.shape.w + w.pad_right) ++padded;
              if (iy < 0 || ix < 0 || iy >= x.shape.h || ix >= x.shape.w) continue;
              const double v = x.at(n, c, iy, ix);
              best = std::max(best, v);
              sum += v;
              ++inside;
            }
          y.push_back(max ? best : sum / (a.count_include_pad ? padded : inside));
        }
  return y;
}

inline std::vector<double> AdaptiveAvgPool(const HostTensor& x, Shape out) {
  std::vector<double> y;
  const Shape& s = x.shape;
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t c = 0; c < out.c; ++c)
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) {
          const int64_t y0 = static_cast<int64_t>(std::floor(double(oy) * s.h / out.h));
          const int64_t y1 = static_cast<int64_t>(std::ceil(double(oy + 1) * s.h / out.h));
          const int64_t x0 = static_cast<int64_t>(std::floor(double(ox) * s.w / out.w));
          const int64_t x1 = static_cast<int64_t>(std::ceil(double(ox + 1) * s.w / out.w));
          double sum = 0.0;
          for (int64_t iy = y0; iy < y1; ++iy)
            for (int64_t ix = x0; ix < x1; ++ix) sum += x.at(n, c, iy, ix);
          y.push_back(sum / double((y1 - y0) * (x1 - x0)));
        }
  return y;
}

inline std::vector<double> Lrn(const HostTensor& x, const LrnAttrs& a) {
  std::vector<double> y;
  const Shape& s = x.shape;
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t c = 0; c < s.c; ++c)
      for (int64_t h = 0; h < s.h; ++h)
        for (int64_t w = 0; w < s.w; ++w) {
          double sum = 0.0;
          for (int64_t k = c - (a.size - 1) / 2; k <= c + a.size / 2; ++k)
            if (k >= 0 && k < s.c) sum += double(x.at(n, k, h, w)) * x.at(n, k, h, w);
          y.push_back(x.at(n, c, h, w) * std::pow(a.k + a.alpha / a.size * sum, -double(a.beta)));
        }
  return y;
}

inline std::vector<double> Softmax(const HostTensor& x) {
  const Shape& s = x.shape;
  std::vector<double> y(static_cast<size_t>(s.elements()));
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t h = 0; h < s.h; ++h)
      for (int64_t w = 0; w < s.w; ++w) {
        double m = -std::numeric_limits<double>::infinity(), sum = 0.0;
        for (int64_t c = 0; c < s.c; ++c) m = std::max(m, double(x.at(n, c, h, w)));
        for (int64_t c = 0; c < s.c; ++c) sum += std::exp(x.at(n, c, h, w) - m);
        for (int64_t c = 0; c < s.c; ++c)
          y[static_cast<size_t>(((n * s.c + c) * s.h + h) * s.w + w)] =
              std::exp(x.at(n, c, h, w) - m) / sum;
      }
  return y;
}

// z = relu(reduce) inside the image, 0 in the padding; then the KxK conv, bias, activation.
inline std::vector<double> FusedReduceConv(const HostTensor& x, const std::vector<float>& w1,
                                           const std::vector<float>& b1,
                                           const std::vector<float>& w2,
                                           const std::vector<float>& b2,
                                           const FusedReduceConvAttrs& a, Shape out) {
  const Shape& s = x.shape;
  const int r_count = a.reduce_channels;
  const Window2d& win = a.conv.window;
  std::vector<double> z(static_cast<size_t>(s.n * r_count * s.plane()));
  for (int64_t n = 0; n < s.n; ++n)
    for (int r = 0; r < r_count; ++r)
      for (int64_t h = 0; h < s.h; ++h)
        for (int64_t w = 0; w < s.w; ++w) {
          double acc = b1[static_cast<size_t>(r)];
          for (int64_t c = 0; c < s.c; ++c) acc += double(w1[r * s.c + c]) * x.at(n, c, h, w);
          z[static_cast<size_t>(((n * r_count + r) * s.h + h) * s.w + w)] = std::max(acc, 0.0);
        }
  std::vector<double> y;
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t co = 0; co < out.c; ++co)
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) {
          double acc = b2.empty() ? 0.0 : b2[static_cast<size_t>(co)];
          for (int r = 0; r < r_count; ++r)
            for (int ky = 0; ky < win.kernel_h; ++ky)
              for (int kx = 0; kx < win.kernel_w; ++kx) {
                const int64_t iy = oy * win.stride_h - win.pad_top + ky;
                const int64_t ix = ox * win.stride_w - win.pad_left + kx;
                if (iy < 0 || ix < 0 || iy >= s.h || ix >= s.w) continue;  // z is 0 there
                acc += double(w2[static_cast<size_t>(
                           ((co * r_count + r) * win.kernel_h + ky) * win.kernel_w + kx)]) *
                       z[static_cast<size_t>(((n * r_count + r) * s.h + iy) * s.w + ix)];
              }
          y.push_back(a.conv.activation == Activation::kReLU ? std::max(acc, 0.0) : acc);
        }
  return y;
}

}  // namespace naive
}  // namespace incept

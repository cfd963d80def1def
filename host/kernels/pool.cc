// Max and average pooling; see pool.h.
#include "host/kernels/pool.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "graph/error.h"
#include "graph/op_registry.h"  // WindowOutputSize: the ceil/floor rule shape inference uses

namespace incept {
namespace {

void CheckPool(const char* op, const ConstTensorView& in, const PoolAttrs& a,
               const TensorView& out) {
  const Window2d& w = a.window;
  auto fail = [&](const std::string& why) {
    throw Error(std::string(op) + ": " + why + " (input " + in.shape.str() + ", output " +
                out.shape.str() + ")");
  };
  if (!in.data || !out.data) fail("null data");
  if (w.kernel_h < 1 || w.kernel_w < 1 || w.stride_h < 1 || w.stride_w < 1)
    fail("kernel and stride must be >= 1");
  if (in.shape.n != out.shape.n || in.shape.c != out.shape.c) fail("batch or channels differ");
  const int64_t oh =
      WindowOutputSize(in.shape.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, a.ceil_mode);
  const int64_t ow =
      WindowOutputSize(in.shape.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, a.ceil_mode);
  if (oh < 1 || ow < 1 || out.shape.h != oh || out.shape.w != ow)
    fail("output size must be " + std::to_string(oh) + "x" + std::to_string(ow));
}

enum class PoolKind { kMax, kAvg };

template <PoolKind kKind>
void Pool(const ConstTensorView& in, const PoolAttrs& a, const TensorView& out) {
  const Window2d& w = a.window;
  const int64_t h = in.shape.h, wd = in.shape.w, planes = in.shape.n * in.shape.c;
#pragma omp parallel for schedule(static) if (out.shape.elements() * w.kernel_h * w.kernel_w > \
                                              32768)
  for (int64_t plane = 0; plane < planes; ++plane) {
    const int64_t n = plane / in.shape.c, c = plane % in.shape.c;
    const float* src = in.image(n) + c * in.shape.plane();
    float* dst = out.image(n) + c * out.shape.plane();
    for (int64_t y = 0; y < out.shape.h; ++y) {
      const int64_t y0 = y * w.stride_h - w.pad_top;
      const int64_t y1_padded = std::min<int64_t>(y0 + w.kernel_h, h + w.pad_bottom);
      const int64_t y_begin = std::max<int64_t>(y0, 0), y_end = std::min(y1_padded, h);
      for (int64_t x = 0; x < out.shape.w; ++x) {
        const int64_t x0 = x * w.stride_w - w.pad_left;
        const int64_t x1_padded = std::min<int64_t>(x0 + w.kernel_w, wd + w.pad_right);
        const int64_t x_begin = std::max<int64_t>(x0, 0), x_end = std::min(x1_padded, wd);
        if (kKind == PoolKind::kMax) {
          float m = -std::numeric_limits<float>::infinity();
          for (int64_t iy = y_begin; iy < y_end; ++iy)
            for (int64_t ix = x_begin; ix < x_end; ++ix) {
              const float v = src[iy * wd + ix];
              if (v > m || std::isnan(v)) m = v;  // NaN propagates, as in PyTorch
            }
          dst[y * out.shape.w + x] = m;
        } else {
          float s = 0.0f;
          for (int64_t iy = y_begin; iy < y_end; ++iy)
            for (int64_t ix = x_begin; ix < x_end; ++ix) s += src[iy * wd + ix];
          // Spans clamped at 0: with asymmetric padding a window may lie wholly in the padding.
          auto span = [](int64_t begin, int64_t end) { return std::max<int64_t>(end - begin, 0); };
          const int64_t count = a.count_include_pad ? span(y0, y1_padded) * span(x0, x1_padded)
                                                    : span(y_begin, y_end) * span(x_begin, x_end);
          dst[y * out.shape.w + x] = count > 0 ? s / static_cast<float>(count) : 0.0f;
        }
      }
    }
  }
}

}  // namespace

void MaxPoolForward(ConstTensorView in, const PoolAttrs& attrs, TensorView out) {
  CheckPool("MaxPoolForward", in, attrs, out);
  Pool<PoolKind::kMax>(in, attrs, out);
}

void AvgPoolForward(ConstTensorView in, const PoolAttrs& attrs, TensorView out) {
  CheckPool("AvgPoolForward", in, attrs, out);
  Pool<PoolKind::kAvg>(in, attrs, out);
}

}  // namespace incept

// Adaptive average pooling; see adaptive_avg_pool.h.
#include "host/kernels/adaptive_avg_pool.h"

#include <cstdint>

#include "graph/error.h"

namespace incept {

void AdaptiveAvgPoolForward(ConstTensorView in, TensorView out) {
  if (!in.data || !out.data || in.shape.n != out.shape.n || in.shape.c != out.shape.c ||
      out.shape.h < 1 || out.shape.w < 1 || in.shape.h < 1 || in.shape.w < 1) {
    throw Error("AdaptiveAvgPoolForward: input " + in.shape.str() + " cannot pool to " +
                out.shape.str());
  }
  const int64_t h = in.shape.h, w = in.shape.w, oh = out.shape.h, ow = out.shape.w;
  const int64_t planes = in.shape.n * in.shape.c;
#pragma omp parallel for schedule(static) if (in.shape.elements() > 65536)
  for (int64_t plane = 0; plane < planes; ++plane) {
    const int64_t n = plane / in.shape.c, c = plane % in.shape.c;
    const float* src = in.image(n) + c * in.shape.plane();
    float* dst = out.image(n) + c * out.shape.plane();
    for (int64_t y = 0; y < oh; ++y) {
      const int64_t y_begin = y * h / oh, y_end = ((y + 1) * h + oh - 1) / oh;
      for (int64_t x = 0; x < ow; ++x) {
        const int64_t x_begin = x * w / ow, x_end = ((x + 1) * w + ow - 1) / ow;
        double s = 0.0;
        for (int64_t iy = y_begin; iy < y_end; ++iy)
          for (int64_t ix = x_begin; ix < x_end; ++ix) s += src[iy * w + ix];
        dst[y * ow + x] = static_cast<float>(s / ((y_end - y_begin) * (x_end - x_begin)));
      }
    }
  }
}

}  // namespace incept

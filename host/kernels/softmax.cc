// Softmax over channels; see softmax.h.
#include "host/kernels/softmax.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "graph/error.h"

namespace incept {

void SoftmaxForward(ConstTensorView in, TensorView out) {
  if (!in.data || !out.data || in.shape != out.shape) {
    throw Error("SoftmaxForward: input " + in.shape.str() + " != output " + out.shape.str());
  }
  const int64_t channels = in.shape.c, pixels = in.shape.plane();
  if (channels == 0) return;
  const int64_t positions = in.shape.n * pixels;
#pragma omp parallel for schedule(static) if (in.shape.elements() > 65536)
  for (int64_t position = 0; position < positions; ++position) {
    const int64_t n = position / pixels, p = position % pixels;
    const float* x = in.image(n) + p;
    float* y = out.image(n) + p;
    float max = x[0];
    for (int64_t c = 1; c < channels; ++c) max = std::max(max, x[c * pixels]);
    double sum = 0.0;
    for (int64_t c = 0; c < channels; ++c)
      sum += std::exp(static_cast<double>(x[c * pixels]) - max);
    for (int64_t c = 0; c < channels; ++c)
      y[c * pixels] = static_cast<float>(std::exp(static_cast<double>(x[c * pixels]) - max) / sum);
  }
}

}  // namespace incept

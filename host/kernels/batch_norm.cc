// Inference batch normalisation; see batch_norm.h.
#include "host/kernels/batch_norm.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "graph/error.h"

namespace incept {

void BatchNormForward(ConstTensorView in, const float* gamma, const float* beta, const float* mean,
                      const float* var, float eps, TensorView out) {
  if (!in.data || !out.data || !mean || !var || in.shape != out.shape) {
    throw Error("BatchNormForward: input " + in.shape.str() + ", output " + out.shape.str() +
                " (shapes must match; data, mean and var must be given)");
  }
  const int64_t channels = in.shape.c, pixels = in.shape.plane();
  std::vector<float> scale(channels), shift(channels);
  for (int64_t c = 0; c < channels; ++c) {
    const double a = (gamma ? gamma[c] : 1.0) / std::sqrt(static_cast<double>(var[c]) + eps);
    scale[c] = static_cast<float>(a);
    shift[c] = static_cast<float>((beta ? beta[c] : 0.0) - mean[c] * a);
  }
  const int64_t planes = in.shape.n * channels;
#pragma omp parallel for schedule(static) if (in.shape.elements() > 65536)
  for (int64_t plane = 0; plane < planes; ++plane) {
    const int64_t n = plane / channels, c = plane % channels;
    const float* src = in.image(n) + c * pixels;
    float* dst = out.image(n) + c * pixels;
    for (int64_t p = 0; p < pixels; ++p) dst[p] = src[p] * scale[c] + shift[c];
  }
}

}  // namespace incept

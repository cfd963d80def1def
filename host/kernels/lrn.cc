// LRN across channels; see lrn.h. Per image, the scales of all channels are computed into
// a scratch tensor first, so the output may overwrite the input.
#include "host/kernels/lrn.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/error.h"

namespace incept {

void LrnForward(ConstTensorView in, const LrnAttrs& attrs, TensorView out) {
  if (!in.data || !out.data || in.shape != out.shape || attrs.size < 1) {
    throw Error("LrnForward: input " + in.shape.str() + ", output " + out.shape.str() + ", size " +
                std::to_string(attrs.size) + " (shapes must match, size >= 1)");
  }
  const int64_t channels = in.shape.c, pixels = in.shape.plane();
  const int64_t before = (attrs.size - 1) / 2, after = attrs.size / 2;
  const float alpha_over_size = attrs.alpha / static_cast<float>(attrs.size);
  std::vector<float> scale(static_cast<size_t>(in.shape.per_image()));
  for (int64_t n = 0; n < in.shape.n; ++n) {
    const float* src = in.image(n);
    float* dst = out.image(n);
#pragma omp parallel for schedule(static) if (in.shape.per_image() > 32768)
    for (int64_t c = 0; c < channels; ++c) {
      float* s = scale.data() + c * pixels;
      std::fill(s, s + pixels, 0.0f);
      const int64_t lo = std::max<int64_t>(0, c - before);
      const int64_t hi = std::min<int64_t>(channels - 1, c + after);
      for (int64_t q = lo; q <= hi; ++q) {
        const float* x = src + q * pixels;
        for (int64_t p = 0; p < pixels; ++p) s[p] += x[p] * x[p];
      }
      for (int64_t p = 0; p < pixels; ++p) s[p] = attrs.k + alpha_over_size * s[p];
    }
#pragma omp parallel for schedule(static) if (in.shape.per_image() > 32768)
    for (int64_t c = 0; c < channels; ++c) {
      const float* s = scale.data() + c * pixels;
      for (int64_t p = 0; p < pixels; ++p)
        dst[c * pixels + p] = src[c * pixels + p] * std::pow(s[p], -attrs.beta);
    }
  }
}

}  // namespace incept

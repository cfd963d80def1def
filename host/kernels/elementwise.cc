// Elementwise ops; see elementwise.h. Each image of a view is contiguous, so every op is a
// loop over images of a loop over per_image() elements.
#include "host/kernels/elementwise.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "graph/error.h"

namespace incept {
namespace {

void CheckSame(const char* op, const Shape& in, const Shape& out) {
  if (in != out) throw Error(std::string(op) + ": input " + in.str() + " != output " + out.str());
}

constexpr int64_t kParallelElements = 1 << 16;

}  // namespace

void ReluForward(ConstTensorView in, TensorView out) {
  CheckSame("ReluForward", in.shape, out.shape);
  const int64_t count = in.shape.per_image();
  for (int64_t n = 0; n < in.shape.n; ++n) {
    const float* src = in.image(n);
    float* dst = out.image(n);
#pragma omp parallel for schedule(static) if (count > kParallelElements)
    for (int64_t i = 0; i < count; ++i) dst[i] = src[i] < 0.0f ? 0.0f : src[i];  // NaN stays NaN
  }
}

void AddForward(ConstTensorView a, ConstTensorView b, TensorView out) {
  CheckSame("AddForward", a.shape, out.shape);
  CheckSame("AddForward", b.shape, out.shape);
  const int64_t count = a.shape.per_image();
  for (int64_t n = 0; n < a.shape.n; ++n) {
    const float* x = a.image(n);
    const float* y = b.image(n);
    float* dst = out.image(n);
#pragma omp parallel for schedule(static) if (count > kParallelElements)
    for (int64_t i = 0; i < count; ++i) dst[i] = x[i] + y[i];
  }
}

void ChannelAffineForward(ConstTensorView in, const ChannelAffineAttrs& attrs, TensorView out) {
  CheckSame("ChannelAffineForward", in.shape, out.shape);
  const int64_t channels = in.shape.c, pixels = in.shape.plane();
  if (static_cast<int64_t>(attrs.scale.size()) != channels ||
      static_cast<int64_t>(attrs.shift.size()) != channels) {
    throw Error("ChannelAffineForward: " + std::to_string(attrs.scale.size()) + " scales and " +
                std::to_string(attrs.shift.size()) + " shifts for " + std::to_string(channels) +
                " channels");
  }
  for (int64_t n = 0; n < in.shape.n; ++n) {
    for (int64_t c = 0; c < channels; ++c) {
      const float* src = in.image(n) + c * pixels;
      float* dst = out.image(n) + c * pixels;
      const float scale = attrs.scale[c], shift = attrs.shift[c];
      for (int64_t p = 0; p < pixels; ++p) dst[p] = src[p] * scale + shift;
    }
  }
}

void CopyForward(ConstTensorView in, TensorView out) {
  if (in.shape.n != out.shape.n || in.shape.per_image() != out.shape.per_image()) {
    throw Error("CopyForward: input " + in.shape.str() + " and output " + out.shape.str() +
                " differ in batch or elements per image");
  }
  const size_t bytes = sizeof(float) * static_cast<size_t>(in.shape.per_image());
  for (int64_t n = 0; n < in.shape.n; ++n) {
    if (in.image(n) != out.image(n)) std::memmove(out.image(n), in.image(n), bytes);
  }
}

}  // namespace incept

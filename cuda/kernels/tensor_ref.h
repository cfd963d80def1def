// TensorRef / ConstTensorRef: an NCHW fp32 activation in device memory (host memory under
// the emulator) that may be a channel slice of a larger buffer, as a Plan executor holds it:
// a pointer, a logical shape and a batch stride.
//
// Element (n, c, h, w) is at data[n * batch_stride + (c * H + h) * W + w]; a slice of
// channels [c0, c0 + C) of a concat buffer with Ctotal channels has data = base + c0 * H * W
// and batch_stride = Ctotal * H * W (the convention of host/tensor_view.h).
#pragma once

#include <cstdint>

#include "graph/shape.h"

namespace incept {
namespace simt {

struct TensorRef {
  float* data = nullptr;
  Shape shape;
  int64_t batch_stride = 0;
};

struct ConstTensorRef {
  const float* data = nullptr;
  Shape shape;
  int64_t batch_stride = 0;

  ConstTensorRef() = default;
  ConstTensorRef(const float* d, Shape s, int64_t stride)
      : data(d), shape(s), batch_stride(stride) {}
  ConstTensorRef(const TensorRef& t)  // NOLINT: a mutable reference reads as a const one
      : data(t.data), shape(t.shape), batch_stride(t.batch_stride) {}
};

// A dense tensor: batch_stride = C * H * W.
inline TensorRef Dense(float* data, Shape shape) { return {data, shape, shape.per_image()}; }
inline ConstTensorRef Dense(const float* data, Shape shape) {
  return {data, shape, shape.per_image()};
}

}  // namespace simt
}  // namespace incept

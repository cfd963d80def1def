// Views of NCHW fp32 activations that may be channel slices of a larger buffer.
//
// Element (n, c, h, w) is at data[n * batch_stride + c * H * W + h * W + w]. A full tensor
// has batch_stride = C * H * W; a slice of channels [c0, c0 + C) of a concat buffer with
// Ctotal channels has data = base + c0 * H * W and batch_stride = Ctotal * H * W.
#pragma once

#include <cstdint>

#include "graph/shape.h"

namespace incept {

struct TensorView {
  float* data = nullptr;
  Shape shape;
  int64_t batch_stride = 0;

  TensorView() = default;
  TensorView(float* d, Shape s) : data(d), shape(s), batch_stride(s.per_image()) {}
  TensorView(float* d, Shape s, int64_t stride) : data(d), shape(s), batch_stride(stride) {}
  float* image(int64_t n) const { return data + n * batch_stride; }
  float& at(int64_t n, int64_t c, int64_t h, int64_t w) const {
    return data[n * batch_stride + (c * shape.h + h) * shape.w + w];
  }
};

struct ConstTensorView {
  const float* data = nullptr;
  Shape shape;
  int64_t batch_stride = 0;

  ConstTensorView() = default;
  ConstTensorView(const float* d, Shape s) : data(d), shape(s), batch_stride(s.per_image()) {}
  ConstTensorView(const float* d, Shape s, int64_t stride)
      : data(d), shape(s), batch_stride(stride) {}
  ConstTensorView(const TensorView& v)  // NOLINT: a mutable view reads as a const one
      : data(v.data), shape(v.shape), batch_stride(v.batch_stride) {}
  const float* image(int64_t n) const { return data + n * batch_stride; }
  float at(int64_t n, int64_t c, int64_t h, int64_t w) const {
    return data[n * batch_stride + (c * shape.h + h) * shape.w + w];
  }
};

}  // namespace incept

// AnyTensorRef: an activation of any element type and layout as a Plan executor holds it
// (plan.values[i].format): a pointer, the logical NCHW shape, the type, the layout and the
// strides (cuda/kernels/element_access.cuh gives the offset rule). The typed entry points
// of our kernels take it and dispatch to the kernel instantiated for the type and layout.
#pragma once

#include <climits>
#include <cstdint>
#include <string>

#include "cuda/kernels/launch_checks.h"
#include "graph/element_type.h"
#include "graph/shape.h"

namespace incept {
namespace simt {

struct AnyTensorRef {
  void* data = nullptr;
  Shape shape;
  ElementType type = ElementType::kF32;
  Layout layout = Layout::kNCHW;
  int64_t batch_stride = 0;  // elements
  int64_t pixel_stride = 0;  // NHWC: elements between pixels (the root's C); NCHW: unused
};

// A dense tensor: batch stride C*H*W, pixel stride C.
inline AnyTensorRef DenseAny(void* data, Shape shape, ElementType type, Layout layout) {
  return {data, shape, type, layout, shape.per_image(), shape.c};
}

// data non-null, dimensions in [1, INT_MAX], images disjoint, and in NHWC pixels disjoint
// (pixel_stride >= C, batch_stride >= H*W*pixel_stride).
inline void RequireTensor(const char* op, const char* role, const AnyTensorRef& t) {
  RequireTensor(op, role,
                ConstTensorRef(static_cast<const float*>(t.data), t.shape, t.batch_stride));
  if (t.layout == Layout::kNHWC &&
      (t.pixel_stride < t.shape.c || t.batch_stride < t.shape.plane() * t.pixel_stride))
    Fail(op, std::string(role) + " NHWC strides (batch " + std::to_string(t.batch_stride) +
                 ", pixel " + std::to_string(t.pixel_stride) + ") overlap for shape " +
                 t.shape.str());
}

}  // namespace simt
}  // namespace incept

// Per-channel affine map, one thread per element: y[n,c,h,w] = x[n,c,h,w] * scale[c] + shift[c].
// (torchvision's transform_input; scale and shift are C floats in device memory.)
#pragma once

#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

struct ChannelAffineParams {
  const float* in;
  float* out;
  const float* scale;
  const float* shift;
  int n, c;
  int64_t plane;
  int64_t in_batch_stride, out_batch_stride;
};

__global__ void __launch_bounds__(kThreadsPerBlock) ChannelAffineKernel(ChannelAffineParams p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.plane) return;
  const int64_t within = index % (p.c * p.plane);  // c * plane + pixel
  const int64_t img = index / (p.c * p.plane);
  const int ch = static_cast<int>(within / p.plane);
  p.out[img * p.out_batch_stride + within] =
      __ldg(p.in + img * p.in_batch_stride + within) * __ldg(p.scale + ch) + __ldg(p.shift + ch);
}

// `scale` and `shift` hold in.shape.c floats each. In place is allowed.
inline void LaunchChannelAffine(const ConstTensorRef& in, const float* scale, const float* shift,
                                const TensorRef& out, Stream stream) {
  const char* op = "ChannelAffine";
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
  RequireShape(op, "output", out.shape, in.shape);
  RequirePointer(op, "scale", scale);
  RequirePointer(op, "shift", shift);
  ChannelAffineParams p{in.data,
                        out.data,
                        scale,
                        shift,
                        static_cast<int>(in.shape.n),
                        static_cast<int>(in.shape.c),
                        in.shape.plane(),
                        in.batch_stride,
                        out.batch_stride};
  Launch("ChannelAffineKernel", &ChannelAffineKernel, GridFor(in.shape.elements(), op),
         dim3(kThreadsPerBlock), 0, stream, p);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

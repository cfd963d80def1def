// The small element-wise kernels a Plan executor needs besides the fused epilogues, one
// thread per element, every tensor strided per image (a concat slice or a dense tensor):
//
//   copy:  y[n, i] = act(x[n, i])            ReLU (act = relu), Dropout and Flatten (act =
//                                            identity), a launched Concat's non-slice inputs
//   add:   y[n, i] = a[n, i] + b[n, i]
//
// with i = c*H*W + h*W + w, the offset inside one image. relu(x) = x < 0 ? 0 : x keeps NaN
// (as the host kernels do), so a poisoned buffer is never silently turned into zeros.
#pragma once

#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"
#include "graph/op.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

__device__ __forceinline__ float NanKeepingRelu(float v) { return v < 0.0f ? 0.0f : v; }

struct StridedCopyParams {
  const float* in;
  float* out;
  int64_t per_image;  // elements of one image
  int64_t total;      // n * per_image
  int64_t in_batch_stride, out_batch_stride;
  Activation activation;
};

__global__ void __launch_bounds__(kThreadsPerBlock) StridedCopyKernel(StridedCopyParams p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= p.total) return;
  const int64_t img = index / p.per_image, within = index % p.per_image;
  float v = __ldg(p.in + img * p.in_batch_stride + within);
  if (p.activation == Activation::kReLU) v = NanKeepingRelu(v);
  p.out[img * p.out_batch_stride + within] = v;
}

struct AddParams {
  const float* a;
  const float* b;
  float* out;
  int64_t per_image, total;
  int64_t a_batch_stride, b_batch_stride, out_batch_stride;
};

__global__ void __launch_bounds__(kThreadsPerBlock) AddKernel(AddParams p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= p.total) return;
  const int64_t img = index / p.per_image, within = index % p.per_image;
  p.out[img * p.out_batch_stride + within] =
      __ldg(p.a + img * p.a_batch_stride + within) + __ldg(p.b + img * p.b_batch_stride + within);
}

// y = act(x); in and out have the same number of images and of elements per image (their
// C, H, W may differ: Flatten reads (N, C, H, W) as (N, C*H*W)). In place (same data
// and stride) is allowed.
inline void LaunchStridedCopy(const ConstTensorRef& in, const TensorRef& out, Activation activation,
                              Stream stream) {
  const char* op = "StridedCopy";
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
  if (in.shape.n != out.shape.n || in.shape.per_image() != out.shape.per_image())
    Fail(op, "input " + in.shape.str() + " and output " + out.shape.str() +
                 " differ in images or elements per image");
  const StridedCopyParams p{
      in.data,          out.data,  out.shape.per_image(), out.shape.elements(), in.batch_stride,
      out.batch_stride, activation};
  Launch("StridedCopyKernel", &StridedCopyKernel, GridFor(p.total, op), dim3(kThreadsPerBlock), 0,
         stream, p);
}

// out = a + b, all three of one shape. out may be a or b.
inline void LaunchAdd(const ConstTensorRef& a, const ConstTensorRef& b, const TensorRef& out,
                      Stream stream) {
  const char* op = "Add";
  RequireTensor(op, "first input", a);
  RequireTensor(op, "second input", b);
  RequireTensor(op, "output", out);
  RequireShape(op, "second input", b.shape, a.shape);
  RequireShape(op, "output", out.shape, a.shape);
  const AddParams p{
      a.data,         b.data,         out.data,        a.shape.per_image(), a.shape.elements(),
      a.batch_stride, b.batch_stride, out.batch_stride};
  Launch("AddKernel", &AddKernel, GridFor(p.total, op), dim3(kThreadsPerBlock), 0, stream, p);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

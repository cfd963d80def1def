// Local response normalisation across channels, Caffe's formula, one thread per output:
//   y[c] = x[c] * (k + alpha/size * sum_{c' in [c-(size-1)/2, c+size/2], 0<=c'<C} x[c']^2)^-beta
#pragma once

#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"
#include "graph/op.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

struct LrnParams {
  const float* in;
  float* out;
  int n, c;
  int64_t plane;  // H * W
  int64_t in_batch_stride, out_batch_stride;
  int size;
  float alpha_over_size, beta, k;
};

__global__ void __launch_bounds__(kThreadsPerBlock) LrnKernel(LrnParams p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.plane) return;
  const int64_t pixel = index % p.plane;
  const int64_t rest = index / p.plane;
  const int ch = static_cast<int>(rest % p.c);
  const int img = static_cast<int>(rest / p.c);
  const float* src = p.in + img * p.in_batch_stride + pixel;

  const int c_begin = IMax(ch - (p.size - 1) / 2, 0);
  const int c_end = IMin(ch + p.size / 2 + 1, p.c);
  float sum_sq = 0.0f;
  for (int c = c_begin; c < c_end; ++c) {
    const float v = __ldg(src + c * p.plane);
    sum_sq += v * v;
  }
  const float x = __ldg(src + ch * p.plane);
  p.out[img * p.out_batch_stride + ch * p.plane + pixel] =
      x * powf(p.k + p.alpha_over_size * sum_sq, -p.beta);
}

inline void LaunchLrn(const ConstTensorRef& in, const LrnAttrs& attrs, const TensorRef& out,
                      Stream stream) {
  const char* op = "LRN";
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
  RequireShape(op, "output", out.shape, in.shape);
  if (attrs.size < 1) Fail(op, "size must be >= 1");
  LrnParams p{};
  p.in = in.data;
  p.out = out.data;
  p.n = static_cast<int>(in.shape.n);
  p.c = static_cast<int>(in.shape.c);
  p.plane = in.shape.plane();
  p.in_batch_stride = in.batch_stride;
  p.out_batch_stride = out.batch_stride;
  p.size = attrs.size;
  p.alpha_over_size = attrs.alpha / static_cast<float>(attrs.size);
  p.beta = attrs.beta;
  p.k = attrs.k;
  Launch("LrnKernel", &LrnKernel, GridFor(in.shape.elements(), op), dim3(kThreadsPerBlock), 0,
         stream, p);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

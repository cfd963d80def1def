// Adaptive average pooling, PyTorch's bins, one thread per output:
//   y[n,c,oy,ox] = mean of x[n,c,y,x] over y in [floor(oy*H/OH), ceil((oy+1)*H/OH)),
//                                          x in [floor(ox*W/OW), ceil((ox+1)*W/OW)).
#pragma once

#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

struct AdaptiveAvgPoolParams {
  const float* in;
  float* out;
  int n, c, h, w;
  int64_t in_batch_stride;
  int out_h, out_w;
  int64_t out_batch_stride;
};

__global__ void __launch_bounds__(kThreadsPerBlock) AdaptiveAvgPoolKernel(AdaptiveAvgPoolParams p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.out_h * p.out_w) return;
  const int ox = static_cast<int>(index % p.out_w);
  int64_t rest = index / p.out_w;
  const int oy = static_cast<int>(rest % p.out_h);
  rest /= p.out_h;
  const int ch = static_cast<int>(rest % p.c);
  const int img = static_cast<int>(rest / p.c);
  const float* src = p.in + img * p.in_batch_stride + static_cast<int64_t>(ch) * p.h * p.w;

  const int y_begin = static_cast<int>(static_cast<int64_t>(oy) * p.h / p.out_h);
  const int y_end = static_cast<int>(CeilDiv(static_cast<int64_t>(oy + 1) * p.h, p.out_h));
  const int x_begin = static_cast<int>(static_cast<int64_t>(ox) * p.w / p.out_w);
  const int x_end = static_cast<int>(CeilDiv(static_cast<int64_t>(ox + 1) * p.w, p.out_w));
  float sum = 0.0f;
  for (int y = y_begin; y < y_end; ++y)
    for (int x = x_begin; x < x_end; ++x) sum += __ldg(src + static_cast<int64_t>(y) * p.w + x);
  p.out[img * p.out_batch_stride + (static_cast<int64_t>(ch) * p.out_h + oy) * p.out_w + ox] =
      sum / static_cast<float>((y_end - y_begin) * (x_end - x_begin));
}

// The output's H and W are the bins; N and C must match the input.
inline void LaunchAdaptiveAvgPool(const ConstTensorRef& in, const TensorRef& out, Stream stream) {
  const char* op = "AdaptiveAvgPool";
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
  RequireShape(op, "output", out.shape, Shape{in.shape.n, in.shape.c, out.shape.h, out.shape.w});
  AdaptiveAvgPoolParams p{};
  p.in = in.data;
  p.out = out.data;
  p.n = static_cast<int>(in.shape.n);
  p.c = static_cast<int>(in.shape.c);
  p.h = static_cast<int>(in.shape.h);
  p.w = static_cast<int>(in.shape.w);
  p.in_batch_stride = in.batch_stride;
  p.out_h = static_cast<int>(out.shape.h);
  p.out_w = static_cast<int>(out.shape.w);
  p.out_batch_stride = out.batch_stride;
  Launch("AdaptiveAvgPoolKernel", &AdaptiveAvgPoolKernel, GridFor(out.shape.elements(), op),
         dim3(kThreadsPerBlock), 0, stream, p);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

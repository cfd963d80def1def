// Softmax over channels: y[n,c,p] = exp(x[n,c,p] - m) / sum_c' exp(x[n,c',p] - m), with
// m = max_c x[n,c,p]. One block per (pixel, image): its threads stride over the channels
// and combine the maximum and then the sum by a tree reduction in shared memory (GoogLeNet
// applies it to (N, 1000, 1, 1) logits, where a thread per pixel would leave the GPU idle).
#pragma once

#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

struct SoftmaxParams {
  const float* in;
  float* out;
  int c;
  int64_t plane;  // H * W
  int64_t in_batch_stride, out_batch_stride;
};

enum class Reduction { kMax, kSum };

// Combines every thread's `value` over the block; all threads receive the result.
template <int kThreads, Reduction kOp>
__device__ __forceinline__ float BlockReduce(float value, float* scratch) {
  static_assert(kThreads > 0 && (kThreads & (kThreads - 1)) == 0, "threads: a power of two");
  scratch[threadIdx.x] = value;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half /= 2) {
    if (static_cast<int>(threadIdx.x) < half) {
      const float other = scratch[threadIdx.x + half];
      scratch[threadIdx.x] = kOp == Reduction::kMax ? fmaxf(scratch[threadIdx.x], other)
                                                    : scratch[threadIdx.x] + other;
    }
    __syncthreads();
  }
  const float result = scratch[0];
  __syncthreads();  // scratch may be reused by the caller's next reduction
  return result;
}

template <int kThreads>
__global__ void __launch_bounds__(kThreads) SoftmaxKernel(SoftmaxParams p) {
  __shared__ float scratch[kThreads];
  const int64_t pixel = blockIdx.x;
  const float* src = p.in + blockIdx.y * p.in_batch_stride + pixel;
  float* dst = p.out + blockIdx.y * p.out_batch_stride + pixel;

  float local_max = -INFINITY;
  for (int c = threadIdx.x; c < p.c; c += kThreads) local_max = fmaxf(local_max, src[c * p.plane]);
  const float channel_max = BlockReduce<kThreads, Reduction::kMax>(local_max, scratch);
  float local_sum = 0.0f;
  for (int c = threadIdx.x; c < p.c; c += kThreads)
    local_sum += expf(src[c * p.plane] - channel_max);
  const float inv_sum = 1.0f / BlockReduce<kThreads, Reduction::kSum>(local_sum, scratch);
  for (int c = threadIdx.x; c < p.c; c += kThreads)
    dst[c * p.plane] = expf(src[c * p.plane] - channel_max) * inv_sum;
}

constexpr int kSoftmaxThreads = 128;

// Input and output may be the same tensor (in place).
inline void LaunchSoftmax(const ConstTensorRef& in, const TensorRef& out, Stream stream) {
  const char* op = "Softmax";
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
  RequireShape(op, "output", out.shape, in.shape);
  if (in.shape.n > 65535) Fail(op, "batch > 65535");
  if (in.shape.plane() > 0x7fffffff) Fail(op, "H*W too large");
  SoftmaxParams p{in.data,          out.data,        static_cast<int>(in.shape.c),
                  in.shape.plane(), in.batch_stride, out.batch_stride};
  const dim3 grid(static_cast<unsigned>(in.shape.plane()), static_cast<unsigned>(in.shape.n));
  Launch("SoftmaxKernel", &SoftmaxKernel<kSoftmaxThreads>, grid, dim3(kSoftmaxThreads), 0, stream,
         p);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

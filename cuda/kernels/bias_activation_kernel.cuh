// In-place epilogue on a (possibly strided) tensor, one thread per element:
//   y[n,c,h,w] = act(y[n,c,h,w] + bias[c])      (bias may be null: act(y))
// For GEMM or convolution results that were produced without their bias or activation,
// e.g. a cuBLAS Linear or a cuDNN conv without bias writing into a concat slice.
#pragma once

#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"
#include "graph/op.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

struct BiasActivationParams {
  float* data;
  const float* bias;  // C floats, or null
  int n, c;
  int64_t plane;
  int64_t batch_stride;
  Activation activation;
};

__global__ void __launch_bounds__(kThreadsPerBlock) BiasActivationKernel(BiasActivationParams p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.plane) return;
  const int64_t within = index % (p.c * p.plane);
  const int64_t img = index / (p.c * p.plane);
  float* y = p.data + img * p.batch_stride + within;
  float v = *y;
  if (p.bias) v += __ldg(p.bias + within / p.plane);
  if (p.activation == Activation::kReLU) v = fmaxf(v, 0.0f);
  *y = v;
}

inline void LaunchBiasActivation(const TensorRef& data, const float* bias, Activation activation,
                                 Stream stream) {
  const char* op = "BiasActivation";
  RequireTensor(op, "tensor", data);
  if (!bias && activation == Activation::kNone) return;  // the identity
  BiasActivationParams p{data.data,
                         bias,
                         static_cast<int>(data.shape.n),
                         static_cast<int>(data.shape.c),
                         data.shape.plane(),
                         data.batch_stride,
                         activation};
  Launch("BiasActivationKernel", &BiasActivationKernel, GridFor(data.shape.elements(), op),
         dim3(kThreadsPerBlock), 0, stream, p);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

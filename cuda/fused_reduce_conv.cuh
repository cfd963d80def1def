// The fused 1x1 reduce + ReLU + KxK conv on the GPU (cuda/kernels/fused_reduce_conv_kernel.cuh).
// Weights: reduce_weight [R][Cin], reduce_bias [R], weight [Cout][R][K][K], bias [Cout] or null.
// Capability: simt::SupportsFusedReduceConv. Pointers are device memory; the output may be a
// channel slice (batch stride). Throws incept::Error on a shape mismatch or a failed launch.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/kernels/tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

void FusedReduceConvForward(simt::ConstTensorRef in, const float* reduce_weight,
                            const float* reduce_bias, const float* weight, const float* bias,
                            const FusedReduceConvAttrs& attrs, simt::TensorRef out,
                            cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

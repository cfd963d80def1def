// Adaptive average pooling on the GPU, PyTorch's bins (cuda/kernels/adaptive_avg_pool_kernel.cuh).
// Pointers are device memory; the output may be a channel slice (batch stride). Throws
// incept::Error on a shape mismatch or a failed launch.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/kernels/any_tensor_ref.h"
#include "cuda/kernels/tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

void AdaptiveAvgPoolForward(simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream);
// Any element type and layout, the same for input and output; summed in fp32.
void AdaptiveAvgPoolForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out,
                            cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

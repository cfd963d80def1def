// In-place y = act(y + bias[c]) on the GPU (cuda/kernels/bias_activation_kernel.cuh); bias may be
// null. Pointers are device memory; the output may be a channel slice (batch stride). Throws
// incept::Error on a shape mismatch or a failed launch.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/kernels/tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

void BiasActivationForward(simt::TensorRef data, const float* bias, Activation activation,
                           cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

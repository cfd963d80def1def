// Softmax over channels on the GPU (cuda/kernels/softmax_kernel.cuh); in place is allowed.
// Pointers are device memory; the output may be a channel slice (batch stride). Throws
// incept::Error on a shape mismatch or a failed launch.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/kernels/tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

void SoftmaxForward(simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

// y[c] = x[c] * scale[c] + shift[c] on the GPU (cuda/kernels/channel_affine_kernel.cuh); scale and
// shift are C floats in device memory. Pointers are device memory; the output may be a channel
// slice (batch stride). Throws incept::Error on a shape mismatch or a failed launch.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/kernels/tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

void ChannelAffineForward(simt::ConstTensorRef in, const float* scale, const float* shift,
                          simt::TensorRef out, cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

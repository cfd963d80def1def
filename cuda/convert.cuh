// Element type and layout conversion on the GPU (cuda/kernels/convert_kernel.cuh): the
// caller's fp32 NCHW input into the plan's fp16/bf16 NHWC, an output back to fp32 NCHW.
// Pointers are device memory. Throws incept::Error on a shape mismatch or a failed launch.
#pragma once

#include <cuda_runtime_api.h>

#include "cuda/kernels/any_tensor_ref.h"

namespace incept {
namespace cuda {

void ConvertForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out,
                    cudaStream_t stream);
// ChannelAffine (transform_input) converting on the way: out = in * scale[c] + shift[c] in
// fp32, any input and output types and layouts; scale and shift are C device floats.
void ChannelAffineForward(const simt::AnyTensorRef& in, const float* scale, const float* shift,
                          const simt::AnyTensorRef& out, cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

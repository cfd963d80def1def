// Across-channel LRN on the GPU, Caffe's formula (cuda/kernels/lrn_kernel.cuh).
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

void LrnForward(simt::ConstTensorRef in, const LrnAttrs& attrs, simt::TensorRef out,
                cudaStream_t stream);
// Any element type and layout, the same for input and output; computed in fp32.
void LrnForward(const simt::AnyTensorRef& in, const LrnAttrs& attrs, const simt::AnyTensorRef& out,
                cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

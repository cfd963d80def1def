// The typed element-wise kernels of fp16/bf16 plans (any element type and layout, computed
// in fp32, rounded once): the strided copy with an optional ReLU
// (cuda/kernels/convert_kernel.cuh) and the add (cuda/kernels/add_typed_kernel.cuh).
// Pointers are device memory; any tensor may be a channel slice (NHWC: a channel offset in
// each pixel, the pixel stride its root's C). Throws incept::Error on a shape or format
// mismatch or a failed launch.
#pragma once

#include <cuda_runtime_api.h>

#include "cuda/kernels/any_tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

// out = act(in); in and out have one shape (types and layouts may differ: a conversion).
void TypedCopyForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out,
                      Activation activation, cudaStream_t stream);
// out = a + b, one shape, type and layout.
void TypedAddForward(const simt::AnyTensorRef& a, const simt::AnyTensorRef& b,
                     const simt::AnyTensorRef& out, cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

// Max and average pooling on the GPU (cuda/kernels/pool_kernel.cuh: PyTorch's semantics,
// ceil mode, count_include_pad). Pointers are device memory; output may be a channel slice.
// Throws incept::Error on a shape mismatch or a failed launch.
#pragma once

#include <cuda_runtime_api.h>

#include "cuda/kernels/any_tensor_ref.h"
#include "cuda/kernels/tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

void MaxPoolForward(simt::ConstTensorRef in, const PoolAttrs& attrs, simt::TensorRef out,
                    cudaStream_t stream);
void AvgPoolForward(simt::ConstTensorRef in, const PoolAttrs& attrs, simt::TensorRef out,
                    cudaStream_t stream);
// Any element type (fp32, fp16, bf16) and layout (NCHW, NHWC), the same for input and
// output; computed in fp32.
void PoolForward(bool max, const simt::AnyTensorRef& in, const PoolAttrs& attrs,
                 const simt::AnyTensorRef& out, cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

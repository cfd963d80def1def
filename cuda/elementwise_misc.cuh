// Strided copy (with an optional ReLU) and element-wise add on the GPU (kernels and checks:
// cuda/kernels/elementwise_misc_kernel.cuh). Pointers are device memory; any tensor may be a
// channel slice. Throws incept::Error on a shape mismatch or a failed launch.
#pragma once

#include <cuda_runtime_api.h>

#include "cuda/kernels/tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

// out = act(in); the same images and elements per image (Flatten may reshape).
void StridedCopyForward(simt::ConstTensorRef in, simt::TensorRef out, Activation activation,
                        cudaStream_t stream);
// out = a + b.
void AddForward(simt::ConstTensorRef a, simt::ConstTensorRef b, simt::TensorRef out,
                cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

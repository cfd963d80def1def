// Image preprocessing on the GPU (cuda/kernels/preprocess_kernel.cuh): N interleaved
// H*W*C byte images (resized and cropped on the host), image_stride bytes apart, in device
// memory, to normalised planar fp32 (N, C, H, W): y = (x / 255 - mean[c]) / std[c].
// mean and std are C <= 4 host floats each. Throws incept::Error on bad arguments.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/kernels/tensor_ref.h"

namespace incept {
namespace cuda {

void PreprocessForward(const uint8_t* images, int64_t image_stride, const float* mean,
                       const float* std, simt::TensorRef out, cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

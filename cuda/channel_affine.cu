// The channel_affine launcher (kernel and checks: cuda/kernels/channel_affine_kernel.cuh).
#include "cuda/channel_affine.cuh"
#include "cuda/kernels/channel_affine_kernel.cuh"

namespace incept {
namespace cuda {

void ChannelAffineForward(simt::ConstTensorRef in, const float* scale, const float* shift,
                          simt::TensorRef out, cudaStream_t stream) {
  simt::LaunchChannelAffine(in, scale, shift, out, stream);
}

}  // namespace cuda
}  // namespace incept

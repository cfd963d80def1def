// Convert launcher (the kernel and its checks: cuda/kernels/convert_kernel.cuh).
#include "cuda/convert.cuh"
#include "cuda/kernels/convert_kernel.cuh"

namespace incept {
namespace cuda {

void ConvertForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out,
                    cudaStream_t stream) {
  simt::LaunchConvert(in, out, stream);
}

void ChannelAffineForward(const simt::AnyTensorRef& in, const float* scale, const float* shift,
                          const simt::AnyTensorRef& out, cudaStream_t stream) {
  simt::LaunchChannelAffine(in, scale, shift, out, stream);
}

}  // namespace cuda
}  // namespace incept

// The elementwise_misc launchers (kernels and checks: cuda/kernels/elementwise_misc_kernel.cuh).
#include "cuda/elementwise_misc.cuh"
#include "cuda/kernels/elementwise_misc_kernel.cuh"

namespace incept {
namespace cuda {

void StridedCopyForward(simt::ConstTensorRef in, simt::TensorRef out, Activation activation,
                        cudaStream_t stream) {
  simt::LaunchStridedCopy(in, out, activation, stream);
}

void AddForward(simt::ConstTensorRef a, simt::ConstTensorRef b, simt::TensorRef out,
                cudaStream_t stream) {
  simt::LaunchAdd(a, b, out, stream);
}

}  // namespace cuda
}  // namespace incept

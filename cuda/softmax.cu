// The softmax launcher (kernel and checks: cuda/kernels/softmax_kernel.cuh).
#include "cuda/kernels/softmax_kernel.cuh"
#include "cuda/softmax.cuh"

namespace incept {
namespace cuda {

void SoftmaxForward(simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream) {
  simt::LaunchSoftmax(in, out, stream);
}

}  // namespace cuda
}  // namespace incept

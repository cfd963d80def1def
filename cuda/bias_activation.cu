// The bias_activation launcher (kernel and checks: cuda/kernels/bias_activation_kernel.cuh).
#include "cuda/bias_activation.cuh"
#include "cuda/kernels/bias_activation_kernel.cuh"

namespace incept {
namespace cuda {

void BiasActivationForward(simt::TensorRef data, const float* bias, Activation activation,
                           cudaStream_t stream) {
  simt::LaunchBiasActivation(data, bias, activation, stream);
}

}  // namespace cuda
}  // namespace incept

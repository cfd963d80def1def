// The adaptive_avg_pool launcher (kernel and checks: cuda/kernels/adaptive_avg_pool_kernel.cuh).
#include "cuda/adaptive_avg_pool.cuh"
#include "cuda/kernels/adaptive_avg_pool_kernel.cuh"

namespace incept {
namespace cuda {

void AdaptiveAvgPoolForward(simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream) {
  simt::LaunchAdaptiveAvgPool(in, out, stream);
}

void AdaptiveAvgPoolForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out,
                            cudaStream_t stream) {
  simt::LaunchAdaptiveAvgPool(in, out, stream);
}

}  // namespace cuda
}  // namespace incept

// MaxPool / AvgPool launchers (the kernel and its checks: cuda/kernels/pool_kernel.cuh).
#include "cuda/kernels/pool_kernel.cuh"
#include "cuda/pool.cuh"

namespace incept {
namespace cuda {

void MaxPoolForward(simt::ConstTensorRef in, const PoolAttrs& attrs, simt::TensorRef out,
                    cudaStream_t stream) {
  simt::LaunchPool(simt::PoolMode::kMax, in, attrs, out, stream);
}

void AvgPoolForward(simt::ConstTensorRef in, const PoolAttrs& attrs, simt::TensorRef out,
                    cudaStream_t stream) {
  simt::LaunchPool(simt::PoolMode::kAvg, in, attrs, out, stream);
}

void PoolForward(bool max, const simt::AnyTensorRef& in, const PoolAttrs& attrs,
                 const simt::AnyTensorRef& out, cudaStream_t stream) {
  simt::LaunchPool(max ? simt::PoolMode::kMax : simt::PoolMode::kAvg, in, attrs, out, stream);
}

}  // namespace cuda
}  // namespace incept

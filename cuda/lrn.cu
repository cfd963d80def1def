// The lrn launcher (kernel and checks: cuda/kernels/lrn_kernel.cuh).
#include "cuda/kernels/lrn_kernel.cuh"
#include "cuda/lrn.cuh"

namespace incept {
namespace cuda {

void LrnForward(simt::ConstTensorRef in, const LrnAttrs& attrs, simt::TensorRef out,
                cudaStream_t stream) {
  simt::LaunchLrn(in, attrs, out, stream);
}

void LrnForward(const simt::AnyTensorRef& in, const LrnAttrs& attrs, const simt::AnyTensorRef& out,
                cudaStream_t stream) {
  simt::LaunchLrn(in, attrs, out, stream);
}

}  // namespace cuda
}  // namespace incept

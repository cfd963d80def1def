// Typed copy and add launchers (kernels and checks: cuda/kernels/convert_kernel.cuh,
// cuda/kernels/add_typed_kernel.cuh).
#include "cuda/kernels/add_typed_kernel.cuh"
#include "cuda/kernels/convert_kernel.cuh"
#include "cuda/typed_elementwise.cuh"

namespace incept {
namespace cuda {

void TypedCopyForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out,
                      Activation activation, cudaStream_t stream) {
  simt::LaunchTypedCopy(in, out, activation, stream);
}

void TypedAddForward(const simt::AnyTensorRef& a, const simt::AnyTensorRef& b,
                     const simt::AnyTensorRef& out, cudaStream_t stream) {
  simt::LaunchAddTyped(a, b, out, stream);
}

}  // namespace cuda
}  // namespace incept

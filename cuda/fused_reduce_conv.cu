// The fused_reduce_conv launcher (kernel and checks: cuda/kernels/fused_reduce_conv_kernel.cuh).
#include "cuda/fused_reduce_conv.cuh"
#include "cuda/kernels/fused_reduce_conv_kernel.cuh"

namespace incept {
namespace cuda {

void FusedReduceConvForward(simt::ConstTensorRef in, const float* reduce_weight,
                            const float* reduce_bias, const float* weight, const float* bias,
                            const FusedReduceConvAttrs& attrs, simt::TensorRef out,
                            cudaStream_t stream) {
  simt::LaunchFusedReduceConv(in, reduce_weight, reduce_bias, weight, bias, attrs, out, stream);
}

}  // namespace cuda
}  // namespace incept

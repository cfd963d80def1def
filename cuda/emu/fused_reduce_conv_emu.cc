// The fused reduce convolution through the emulator.
#include "cuda/emu/emu_kernels.h"
#include "cuda/kernels/fused_reduce_conv_kernel.cuh"

namespace incept {
namespace emu_kernels {

void FusedReduceConvForward(simt::ConstTensorRef in, const float* reduce_weight,
                            const float* reduce_bias, const float* weight, const float* bias,
                            const FusedReduceConvAttrs& attrs, simt::TensorRef out) {
  simt::LaunchFusedReduceConv(in, reduce_weight, reduce_bias, weight, bias, attrs, out, nullptr);
}

}  // namespace emu_kernels
}  // namespace incept

// The tensor-core fused reduce conv launcher (kernel:
// cuda/kernels/fused_reduce_conv_tc_kernel.cuh).
#include "cuda/fused_reduce_conv_tc.cuh"
#include "cuda/kernels/fused_reduce_conv_tc_kernel.cuh"

namespace incept {
namespace cuda {

void FusedReduceConvTcForward(const simt::FusedReduceConvTcArgs& args, cudaStream_t stream) {
  simt::LaunchFusedReduceConvTc(args, stream);
}

bool SupportsFusedReduceConvTc(const FusedReduceConvAttrs& attrs, std::string* why) {
  return simt::SupportsFusedReduceConvTc(attrs, why);
}

size_t FusedReduceConvTcSharedBytes(const FusedReduceConvAttrs& attrs, int tile_h) {
  return simt::FusedReduceConvTcSharedBytes(attrs, tile_h);
}

}  // namespace cuda
}  // namespace incept

// The tensor-core fused reduce conv through the emulator (wmma via cuda/emu/wmma_emu.h).
#include "cuda/emu/fused_reduce_conv_tc_emu.h"

#include "cuda/kernels/fused_reduce_conv_tc_kernel.cuh"

namespace incept {
namespace emu_kernels {

void FusedReduceConvTcForward(const simt::FusedReduceConvTcArgs& args) {
  simt::LaunchFusedReduceConvTc(args, nullptr);
}

bool SupportsFusedReduceConvTc(const FusedReduceConvAttrs& attrs, std::string* why) {
  return simt::SupportsFusedReduceConvTc(attrs, why);
}

size_t FusedReduceConvTcSharedBytes(const FusedReduceConvAttrs& attrs, int tile_h) {
  return simt::FusedReduceConvTcSharedBytes(attrs, tile_h);
}

}  // namespace emu_kernels
}  // namespace incept

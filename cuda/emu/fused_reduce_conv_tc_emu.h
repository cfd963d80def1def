// The tensor-core fused reduce conv (cuda/kernels/fused_reduce_conv_tc_kernel.cuh) through the
// emulator, with host pointers; completes before it returns. Used by the `emu` tests.
#pragma once

#include <string>

#include "cuda/kernels/fused_reduce_conv_tc_args.h"

namespace incept {
namespace emu_kernels {

void FusedReduceConvTcForward(const simt::FusedReduceConvTcArgs& args);
bool SupportsFusedReduceConvTc(const FusedReduceConvAttrs& attrs, std::string* why);
size_t FusedReduceConvTcSharedBytes(const FusedReduceConvAttrs& attrs, int tile_h = 8);

}  // namespace emu_kernels
}  // namespace incept

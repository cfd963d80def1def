// Our SIMT kernels run on the CPU through the emulator (cuda/emu/emu.h): the same kernel
// sources and launch checks as the CUDA entry points in cuda/*.cuh, with host pointers and
// no stream (each call completes before it returns). Used by the `emu` tests.
#pragma once

#include <cstdint>

#include "cuda/kernels/tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace emu_kernels {

void MaxPoolForward(simt::ConstTensorRef in, const PoolAttrs& attrs, simt::TensorRef out);
void AvgPoolForward(simt::ConstTensorRef in, const PoolAttrs& attrs, simt::TensorRef out);

}  // namespace emu_kernels
}  // namespace incept

// Strided copy (+ReLU) and add through the SIMT emulator (cuda/emu/emu.h): the kernel
// sources of cuda/kernels/elementwise_misc_kernel.cuh on host pointers, for the emu tests.
#pragma once

#include "cuda/kernels/tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace emu_kernels {

void StridedCopyForward(simt::ConstTensorRef in, simt::TensorRef out, Activation activation);
void AddForward(simt::ConstTensorRef a, simt::ConstTensorRef b, simt::TensorRef out);

}  // namespace emu_kernels
}  // namespace incept

// Strided copy and add through the emulator (see elementwise_misc_emu.h).
#include "cuda/emu/elementwise_misc_emu.h"

#include "cuda/kernels/elementwise_misc_kernel.cuh"

namespace incept {
namespace emu_kernels {

void StridedCopyForward(simt::ConstTensorRef in, simt::TensorRef out, Activation activation) {
  simt::LaunchStridedCopy(in, out, activation, nullptr);
}

void AddForward(simt::ConstTensorRef a, simt::ConstTensorRef b, simt::TensorRef out) {
  simt::LaunchAdd(a, b, out, nullptr);
}

}  // namespace emu_kernels
}  // namespace incept

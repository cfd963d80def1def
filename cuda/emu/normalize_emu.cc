// LRN and Softmax through the emulator.
#include "cuda/emu/emu_kernels.h"
#include "cuda/kernels/lrn_kernel.cuh"
#include "cuda/kernels/softmax_kernel.cuh"

namespace incept {
namespace emu_kernels {

void LrnForward(simt::ConstTensorRef in, const LrnAttrs& attrs, simt::TensorRef out) {
  simt::LaunchLrn(in, attrs, out, nullptr);
}

void SoftmaxForward(simt::ConstTensorRef in, simt::TensorRef out) {
  simt::LaunchSoftmax(in, out, nullptr);
}

}  // namespace emu_kernels
}  // namespace incept

// MaxPool / AvgPool through the emulator (cuda/kernels/pool_kernel.cuh).
#include "cuda/emu/emu_kernels.h"
#include "cuda/kernels/pool_kernel.cuh"

namespace incept {
namespace emu_kernels {

void MaxPoolForward(simt::ConstTensorRef in, const PoolAttrs& attrs, simt::TensorRef out) {
  simt::LaunchPool(simt::PoolMode::kMax, in, attrs, out, nullptr);
}

void AvgPoolForward(simt::ConstTensorRef in, const PoolAttrs& attrs, simt::TensorRef out) {
  simt::LaunchPool(simt::PoolMode::kAvg, in, attrs, out, nullptr);
}

}  // namespace emu_kernels
}  // namespace incept

// MaxPool, AvgPool and AdaptiveAvgPool through the emulator.
#include "cuda/emu/emu_kernels.h"
#include "cuda/kernels/adaptive_avg_pool_kernel.cuh"
#include "cuda/kernels/pool_kernel.cuh"

namespace incept {
namespace emu_kernels {

void MaxPoolForward(simt::ConstTensorRef in, const PoolAttrs& attrs, simt::TensorRef out) {
  simt::LaunchPool(simt::PoolMode::kMax, in, attrs, out, nullptr);
}

void AvgPoolForward(simt::ConstTensorRef in, const PoolAttrs& attrs, simt::TensorRef out) {
  simt::LaunchPool(simt::PoolMode::kAvg, in, attrs, out, nullptr);
}

void AdaptiveAvgPoolForward(simt::ConstTensorRef in, simt::TensorRef out) {
  simt::LaunchAdaptiveAvgPool(in, out, nullptr);
}

}  // namespace emu_kernels
}  // namespace incept

// The kernels templated on element type and layout (pool, adaptive pool, LRN, convert, typed
// copy, add) through the emulator.
#include "cuda/emu/typed_emu.h"

#include "cuda/kernels/adaptive_avg_pool_kernel.cuh"
#include "cuda/kernels/add_typed_kernel.cuh"
#include "cuda/kernels/convert_kernel.cuh"
#include "cuda/kernels/lrn_kernel.cuh"
#include "cuda/kernels/pool_kernel.cuh"

namespace incept {
namespace emu_kernels {

void PoolForward(bool max, const simt::AnyTensorRef& in, const PoolAttrs& attrs,
                 const simt::AnyTensorRef& out) {
  simt::LaunchPool(max ? simt::PoolMode::kMax : simt::PoolMode::kAvg, in, attrs, out, nullptr);
}

void ChannelAffineForward(const simt::AnyTensorRef& in, const ChannelAffineAttrs& attrs,
                          const simt::AnyTensorRef& out) {
  if (attrs.scale.size() != static_cast<size_t>(in.shape.c) ||
      attrs.shift.size() != static_cast<size_t>(in.shape.c))
    simt::Fail("ChannelAffine", "scale and shift need one value per channel");
  simt::LaunchChannelAffine(in, attrs.scale.data(), attrs.shift.data(), out, nullptr);
}

void AdaptiveAvgPoolForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out) {
  simt::LaunchAdaptiveAvgPool(in, out, nullptr);
}

void LrnForward(const simt::AnyTensorRef& in, const LrnAttrs& attrs,
                const simt::AnyTensorRef& out) {
  simt::LaunchLrn(in, attrs, out, nullptr);
}

void ConvertForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out) {
  simt::LaunchConvert(in, out, nullptr);
}

void TypedCopyForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out,
                      Activation activation) {
  simt::LaunchTypedCopy(in, out, activation, nullptr);
}

void TypedAddForward(const simt::AnyTensorRef& a, const simt::AnyTensorRef& b,
                     const simt::AnyTensorRef& out) {
  simt::LaunchAddTyped(a, b, out, nullptr);
}

}  // namespace emu_kernels
}  // namespace incept

// The kernels templated on element type and layout, run on the CPU through the emulator
// (the same sources as the CUDA entry points cuda/pool.cuh and cuda/convert.cuh). 16-bit
// data is passed as its bits (uint16_t arrays; graph/float16.h converts).
#pragma once

#include "cuda/kernels/any_tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace emu_kernels {

void PoolForward(bool max, const simt::AnyTensorRef& in, const PoolAttrs& attrs,
                 const simt::AnyTensorRef& out);
void AdaptiveAvgPoolForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out);
void LrnForward(const simt::AnyTensorRef& in, const LrnAttrs& attrs, const simt::AnyTensorRef& out);
// out = in * scale[c] + shift[c], any types and layouts (the plan's first kernel).
void ChannelAffineForward(const simt::AnyTensorRef& in, const ChannelAffineAttrs& attrs,
                          const simt::AnyTensorRef& out);
void ConvertForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out);
// out = act(in) (the typed strided copy) and out = a + b, any types and layouts.
void TypedCopyForward(const simt::AnyTensorRef& in, const simt::AnyTensorRef& out,
                      Activation activation);
void TypedAddForward(const simt::AnyTensorRef& a, const simt::AnyTensorRef& b,
                     const simt::AnyTensorRef& out);

}  // namespace emu_kernels
}  // namespace incept

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
void AdaptiveAvgPoolForward(simt::ConstTensorRef in, simt::TensorRef out);
void LrnForward(simt::ConstTensorRef in, const LrnAttrs& attrs, simt::TensorRef out);
void SoftmaxForward(simt::ConstTensorRef in, simt::TensorRef out);
void ChannelAffineForward(simt::ConstTensorRef in, const ChannelAffineAttrs& attrs,
                          simt::TensorRef out);
void BiasActivationForward(simt::TensorRef data, const float* bias, Activation activation);
// images: N interleaved H*W*C byte images, image_stride bytes apart; out: (N, C, H, W).
// mean and std: C floats each, in units of the [0, 1] range.
void PreprocessForward(const uint8_t* images, int64_t image_stride, const float* mean,
                       const float* std, simt::TensorRef out);
void FusedReduceConvForward(simt::ConstTensorRef in, const float* reduce_weight,
                            const float* reduce_bias, const float* weight, const float* bias,
                            const FusedReduceConvAttrs& attrs, simt::TensorRef out);

}  // namespace emu_kernels
}  // namespace incept

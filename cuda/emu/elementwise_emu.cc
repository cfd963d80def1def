// ChannelAffine, BiasActivation and image preprocessing through the emulator.
#include "cuda/emu/emu_kernels.h"
#include "cuda/kernels/bias_activation_kernel.cuh"
#include "cuda/kernels/channel_affine_kernel.cuh"
#include "cuda/kernels/preprocess_kernel.cuh"

namespace incept {
namespace emu_kernels {

void ChannelAffineForward(simt::ConstTensorRef in, const ChannelAffineAttrs& attrs,
                          simt::TensorRef out) {
  if (attrs.scale.size() != static_cast<size_t>(in.shape.c) ||
      attrs.shift.size() != static_cast<size_t>(in.shape.c))
    simt::Fail("ChannelAffine", "scale and shift need one value per channel");
  simt::LaunchChannelAffine(in, attrs.scale.data(), attrs.shift.data(), out, nullptr);
}

void BiasActivationForward(simt::TensorRef data, const float* bias, Activation activation) {
  simt::LaunchBiasActivation(data, bias, activation, nullptr);
}

void PreprocessForward(const uint8_t* images, int64_t image_stride, const float* mean,
                       const float* std, simt::TensorRef out) {
  simt::RequirePointer("Preprocess", "mean", mean);
  simt::RequirePointer("Preprocess", "std", std);
  if (out.shape.c > simt::kMaxImageChannels) simt::Fail("Preprocess", "more than 4 channels");
  simt::ImageNormalization norm;
  for (int64_t c = 0; c < out.shape.c; ++c) {
    norm.mean[c] = mean[c];
    norm.std[c] = std[c];
  }
  simt::LaunchPreprocess(images, image_stride, norm, out, nullptr);
}

}  // namespace emu_kernels
}  // namespace incept

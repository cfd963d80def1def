// Convert: out[n, c, y, x] = in[n, c, y, x], each side in its own element type and layout
// (the caller's fp32 NCHW input to the plan's fp16/bf16 NHWC, and back for an output), with
// an optional per-channel affine map on the way (ChannelAffine, torchvision's
// transform_input, as the plan's first kernel: out = in * scale[c] + shift[c]) or a ReLU
// (relu(v) = v < 0 ? 0 : v, NaN kept: the typed strided copy of ReLU, Dropout, Flatten and a
// launched Concat). One thread per element, in the output's element order (coalesced
// writes); the value goes through fp32 and is rounded once to the output type (round to
// nearest even). In place (in and out the same elements) is allowed: each thread reads the
// one element it writes.
#pragma once

#include "cuda/kernels/any_tensor_ref.h"
#include "cuda/kernels/element_access.cuh"
#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"
#include "graph/op.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

template <typename TIn, typename TOut>
struct ConvertParams {
  const TIn* in;
  TOut* out;
  int n, c, h, w;
  Strides in_strides, out_strides;
  bool in_nhwc, out_nhwc;
  const float* scale;  // C floats, or null: no affine map
  const float* shift;
  bool relu;  // after the affine map
};

template <typename TIn, typename TOut>
__global__ void __launch_bounds__(kThreadsPerBlock) ConvertKernel(ConvertParams<TIn, TOut> p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.h * p.w) return;
  const ElementPosition at = PositionOf(index, p.out_nhwc, p.c, p.h, p.w);
  const int x = at.x, y = at.y, ch = at.ch, img = at.img;
  const int64_t from = p.in_nhwc
                           ? ElementOffset<Layout::kNHWC>(p.in_strides, p.h, p.w, img, ch, y, x)
                           : ElementOffset<Layout::kNCHW>(p.in_strides, p.h, p.w, img, ch, y, x);
  const int64_t to = p.out_nhwc
                         ? ElementOffset<Layout::kNHWC>(p.out_strides, p.h, p.w, img, ch, y, x)
                         : ElementOffset<Layout::kNCHW>(p.out_strides, p.h, p.w, img, ch, y, x);
  float v = ToFloat(p.in[from]);  // not __ldg: in place is allowed
  if (p.scale) v = v * __ldg(p.scale + ch) + __ldg(p.shift + ch);
  if (p.relu && v < 0.0f) v = 0.0f;
  p.out[to] = FromFloat<TOut>(v);
}

template <typename TIn, typename TOut>
inline void LaunchConvertTyped(const AnyTensorRef& in, const AnyTensorRef& out, const float* scale,
                               const float* shift, bool relu, Stream stream) {
  ConvertParams<TIn, TOut> p{};
  p.in = static_cast<const TIn*>(in.data);
  p.out = static_cast<TOut*>(out.data);
  p.n = static_cast<int>(in.shape.n);
  p.c = static_cast<int>(in.shape.c);
  p.h = static_cast<int>(in.shape.h);
  p.w = static_cast<int>(in.shape.w);
  p.in_strides = {in.batch_stride, in.pixel_stride};
  p.out_strides = {out.batch_stride, out.pixel_stride};
  p.in_nhwc = in.layout == Layout::kNHWC;
  p.out_nhwc = out.layout == Layout::kNHWC;
  p.scale = scale;
  p.shift = shift;
  p.relu = relu;
  Launch("Convert", ConvertKernel<TIn, TOut>, GridFor(in.shape.elements(), "Convert"),
         dim3(kThreadsPerBlock), 0, stream, p);
}

template <typename TIn>
inline void LaunchConvertFrom(const AnyTensorRef& in, const AnyTensorRef& out, const float* scale,
                              const float* shift, bool relu, Stream stream) {
  switch (out.type) {
    case ElementType::kF32:
      return LaunchConvertTyped<TIn, float>(in, out, scale, shift, relu, stream);
    case ElementType::kF16:
      return LaunchConvertTyped<TIn, Half>(in, out, scale, shift, relu, stream);
    case ElementType::kBF16:
      return LaunchConvertTyped<TIn, BFloat16>(in, out, scale, shift, relu, stream);
  }
}

// Checks the arguments (incept::Error naming `op` on a mismatch) and launches on `stream`.
// `scale` and `shift`: both null, or in.shape.c floats each; `relu` after them.
inline void LaunchConvert(const AnyTensorRef& in, const AnyTensorRef& out, Stream stream,
                          const float* scale = nullptr, const float* shift = nullptr,
                          const char* op = "Convert", bool relu = false) {
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
  RequireShape(op, "output", out.shape, in.shape);
  if ((scale == nullptr) != (shift == nullptr)) Fail(op, "scale and shift go together");
  switch (in.type) {
    case ElementType::kF32:
      return LaunchConvertFrom<float>(in, out, scale, shift, relu, stream);
    case ElementType::kF16:
      return LaunchConvertFrom<Half>(in, out, scale, shift, relu, stream);
    case ElementType::kBF16:
      return LaunchConvertFrom<BFloat16>(in, out, scale, shift, relu, stream);
  }
}

// ChannelAffine in any types and layouts: out = in * scale[c] + shift[c], computed in fp32.
inline void LaunchChannelAffine(const AnyTensorRef& in, const float* scale, const float* shift,
                                const AnyTensorRef& out, Stream stream) {
  RequirePointer("ChannelAffine", "scale", scale);
  RequirePointer("ChannelAffine", "shift", shift);
  LaunchConvert(in, out, stream, scale, shift, "ChannelAffine");
}

// The typed strided copy: out = act(in), any types and layouts (ReLU, Dropout, a launched
// Concat's inputs into their slices, a conv's dense result into its slice).
inline void LaunchTypedCopy(const AnyTensorRef& in, const AnyTensorRef& out, Activation activation,
                            Stream stream) {
  LaunchConvert(in, out, stream, nullptr, nullptr, "TypedCopy", activation == Activation::kReLU);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

// Local response normalisation across channels, Caffe's formula, one thread per output,
// templated on the element type (computed in fp32) and the layout (NCHW, NHWC):
//   y[c] = x[c] * (k + alpha/size * sum_{c' in [c-(size-1)/2, c+size/2], 0<=c'<C} x[c']^2)^-beta
#pragma once

#include "cuda/kernels/any_tensor_ref.h"
#include "cuda/kernels/element_access.cuh"
#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"
#include "graph/op.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

template <typename T>
struct LrnParams {
  const T* in;
  T* out;
  int n, c, h, w;
  Strides in_strides, out_strides;
  int size;
  float alpha_over_size, beta, k;
};

// Consecutive threads take consecutive elements of the layout (channels fastest in NHWC:
// the window then lies inside one pixel's channels). Squares and sums in fp32, one
// rounding to T at the store.
template <Layout kLayout, typename T>
__global__ void __launch_bounds__(kThreadsPerBlock) LrnKernel(LrnParams<T> p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.h * p.w) return;
  const ElementPosition at = PositionOf(index, kLayout == Layout::kNHWC, p.c, p.h, p.w);
  const int x = at.x, y = at.y, ch = at.ch, img = at.img;
  auto load = [&](int c) {
    return ToFloat(__ldg(p.in + ElementOffset<kLayout>(p.in_strides, p.h, p.w, img, c, y, x)));
  };
  const int c_begin = IMax(ch - (p.size - 1) / 2, 0);
  const int c_end = IMin(ch + p.size / 2 + 1, p.c);
  float sum_sq = 0.0f;
  for (int c = c_begin; c < c_end; ++c) {
    const float v = load(c);
    sum_sq += v * v;
  }
  p.out[ElementOffset<kLayout>(p.out_strides, p.h, p.w, img, ch, y, x)] =
      FromFloat<T>(load(ch) * powf(p.k + p.alpha_over_size * sum_sq, -p.beta));
}

template <typename T>
inline void LaunchLrnTyped(const AnyTensorRef& in, const LrnAttrs& attrs, const AnyTensorRef& out,
                           Stream stream) {
  LrnParams<T> p{};
  p.in = static_cast<const T*>(in.data);
  p.out = static_cast<T*>(out.data);
  p.n = static_cast<int>(in.shape.n);
  p.c = static_cast<int>(in.shape.c);
  p.h = static_cast<int>(in.shape.h);
  p.w = static_cast<int>(in.shape.w);
  p.in_strides = {in.batch_stride, in.pixel_stride};
  p.out_strides = {out.batch_stride, out.pixel_stride};
  p.size = attrs.size;
  p.alpha_over_size = attrs.alpha / static_cast<float>(attrs.size);
  p.beta = attrs.beta;
  p.k = attrs.k;
  auto kernel =
      in.layout == Layout::kNHWC ? LrnKernel<Layout::kNHWC, T> : LrnKernel<Layout::kNCHW, T>;
  Launch("LRN", kernel, GridFor(in.shape.elements(), "LRN"), dim3(kThreadsPerBlock), 0, stream, p);
}

// Any element type and layout, the same for input and output.
inline void LaunchLrn(const AnyTensorRef& in, const LrnAttrs& attrs, const AnyTensorRef& out,
                      Stream stream) {
  const char* op = "LRN";
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
  RequireShape(op, "output", out.shape, in.shape);
  if (in.type != out.type || in.layout != out.layout)
    Fail(op, std::string("input is ") + ElementTypeName(in.type) + " " + LayoutName(in.layout) +
                 ", output " + ElementTypeName(out.type) + " " + LayoutName(out.layout));
  if (attrs.size < 1) Fail(op, "size must be >= 1");
  switch (in.type) {
    case ElementType::kF32:
      return LaunchLrnTyped<float>(in, attrs, out, stream);
    case ElementType::kF16:
      return LaunchLrnTyped<Half>(in, attrs, out, stream);
    case ElementType::kBF16:
      return LaunchLrnTyped<BFloat16>(in, attrs, out, stream);
  }
}

// fp32 NCHW (the fp32 plan's activations).
inline void LaunchLrn(const ConstTensorRef& in, const LrnAttrs& attrs, const TensorRef& out,
                      Stream stream) {
  LaunchLrn(AnyTensorRef{const_cast<float*>(in.data), in.shape, ElementType::kF32, Layout::kNCHW,
                         in.batch_stride, in.shape.c},
            attrs,
            AnyTensorRef{out.data, out.shape, ElementType::kF32, Layout::kNCHW, out.batch_stride,
                         out.shape.c},
            stream);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

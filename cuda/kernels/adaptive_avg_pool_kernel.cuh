// Adaptive average pooling, PyTorch's bins, one thread per output, templated on the element
// type (fp32, fp16, bf16: summed in fp32) and the layout (NCHW, NHWC):
//   y[n,c,oy,ox] = mean of x[n,c,y,x] over y in [floor(oy*H/OH), ceil((oy+1)*H/OH)),
//                                          x in [floor(ox*W/OW), ceil((ox+1)*W/OW)).
#pragma once

#include "cuda/kernels/any_tensor_ref.h"
#include "cuda/kernels/element_access.cuh"
#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

template <typename T>
struct AdaptiveAvgPoolParams {
  const T* in;
  T* out;
  int n, c, h, w;
  Strides in_strides;
  int out_h, out_w;
  Strides out_strides;
};

// Consecutive threads take consecutive elements of the layout (channels fastest in NHWC);
// the sum is fp32, the store rounds once to T.
template <Layout kLayout, typename T>
__global__ void __launch_bounds__(kThreadsPerBlock)
    AdaptiveAvgPoolKernel(AdaptiveAvgPoolParams<T> p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.out_h * p.out_w) return;
  const ElementPosition at = PositionOf(index, kLayout == Layout::kNHWC, p.c, p.out_h, p.out_w);
  const int ox = at.x, oy = at.y, ch = at.ch, img = at.img;

  const int y_begin = static_cast<int>(static_cast<int64_t>(oy) * p.h / p.out_h);
  const int y_end = static_cast<int>(CeilDiv(static_cast<int64_t>(oy + 1) * p.h, p.out_h));
  const int x_begin = static_cast<int>(static_cast<int64_t>(ox) * p.w / p.out_w);
  const int x_end = static_cast<int>(CeilDiv(static_cast<int64_t>(ox + 1) * p.w, p.out_w));
  float sum = 0.0f;
  for (int y = y_begin; y < y_end; ++y)
    for (int x = x_begin; x < x_end; ++x)
      sum += ToFloat(__ldg(p.in + ElementOffset<kLayout>(p.in_strides, p.h, p.w, img, ch, y, x)));
  p.out[ElementOffset<kLayout>(p.out_strides, p.out_h, p.out_w, img, ch, oy, ox)] =
      FromFloat<T>(sum / static_cast<float>((y_end - y_begin) * (x_end - x_begin)));
}

template <typename T>
inline void LaunchAdaptiveAvgPoolTyped(const AnyTensorRef& in, const AnyTensorRef& out,
                                       Stream stream) {
  const char* op = "AdaptiveAvgPool";
  AdaptiveAvgPoolParams<T> p{};
  p.in = static_cast<const T*>(in.data);
  p.out = static_cast<T*>(out.data);
  p.n = static_cast<int>(in.shape.n);
  p.c = static_cast<int>(in.shape.c);
  p.h = static_cast<int>(in.shape.h);
  p.w = static_cast<int>(in.shape.w);
  p.in_strides = {in.batch_stride, in.pixel_stride};
  p.out_h = static_cast<int>(out.shape.h);
  p.out_w = static_cast<int>(out.shape.w);
  p.out_strides = {out.batch_stride, out.pixel_stride};
  auto kernel = in.layout == Layout::kNHWC ? AdaptiveAvgPoolKernel<Layout::kNHWC, T>
                                           : AdaptiveAvgPoolKernel<Layout::kNCHW, T>;
  Launch(op, kernel, GridFor(out.shape.elements(), op), dim3(kThreadsPerBlock), 0, stream, p);
}

// Any element type and layout, the same for input and output. The output's H and W are the
// bins; N and C must match the input.
inline void LaunchAdaptiveAvgPool(const AnyTensorRef& in, const AnyTensorRef& out, Stream stream) {
  const char* op = "AdaptiveAvgPool";
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
  RequireShape(op, "output", out.shape, Shape{in.shape.n, in.shape.c, out.shape.h, out.shape.w});
  if (in.type != out.type || in.layout != out.layout)
    Fail(op, std::string("input is ") + ElementTypeName(in.type) + " " + LayoutName(in.layout) +
                 ", output " + ElementTypeName(out.type) + " " + LayoutName(out.layout));
  switch (in.type) {
    case ElementType::kF32:
      return LaunchAdaptiveAvgPoolTyped<float>(in, out, stream);
    case ElementType::kF16:
      return LaunchAdaptiveAvgPoolTyped<Half>(in, out, stream);
    case ElementType::kBF16:
      return LaunchAdaptiveAvgPoolTyped<BFloat16>(in, out, stream);
  }
}

// fp32 NCHW (the fp32 plan's activations).
inline void LaunchAdaptiveAvgPool(const ConstTensorRef& in, const TensorRef& out, Stream stream) {
  LaunchAdaptiveAvgPool(AnyTensorRef{const_cast<float*>(in.data), in.shape, ElementType::kF32,
                                     Layout::kNCHW, in.batch_stride, in.shape.c},
                        AnyTensorRef{out.data, out.shape, ElementType::kF32, Layout::kNCHW,
                                     out.batch_stride, out.shape.c},
                        stream);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

// Max and average pooling, PyTorch's semantics, one thread per output, templated on the
// element type (fp32, fp16, bf16: computed in fp32) and the layout (NCHW, NHWC).
//
// Window of output (oy, ox): rows [oy*sh - pad_top, +kh), cols [ox*sw - pad_left, +kw).
//   max: the maximum over the part inside the image (padding is -inf); NaN propagates.
//   avg: the sum over the part inside the image, divided by
//        count_include_pad ? the window clipped to the padded image : the part inside.
// The output size follows WindowOutputSize (ceil_mode drops a last window that would start
// in the trailing padding). Input and output may be channel slices (batch strides).
#pragma once

#include "cuda/kernels/any_tensor_ref.h"
#include "cuda/kernels/element_access.cuh"
#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"
#include "graph/op.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

enum class PoolMode { kMax, kAvg };

template <typename T>
struct PoolParams {
  const T* in;
  T* out;
  int n, c, h, w;
  Strides in_strides;
  int out_h, out_w;
  Strides out_strides;
  int kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right;
  bool count_include_pad;
};

// One thread per output element; consecutive threads take consecutive elements of the
// layout (x fastest in NCHW, channels fastest in NHWC) so that accesses coalesce. Loads
// convert to fp32, the max or the sum is fp32, the store rounds once to T.
template <PoolMode kMode, Layout kLayout, typename T>
__global__ void __launch_bounds__(kThreadsPerBlock) PoolKernel(PoolParams<T> p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.out_h * p.out_w) return;
  const ElementPosition at = PositionOf(index, kLayout == Layout::kNHWC, p.c, p.out_h, p.out_w);
  const int ox = at.x, oy = at.y, ch = at.ch, img = at.img;
  auto load = [&](int y, int x) {
    return ToFloat(__ldg(p.in + ElementOffset<kLayout>(p.in_strides, p.h, p.w, img, ch, y, x)));
  };

  const int y0 = oy * p.stride_h - p.pad_top, x0 = ox * p.stride_w - p.pad_left;
  float result;
  if (kMode == PoolMode::kMax) {
    const int y_end = IMin(y0 + p.kernel_h, p.h), x_end = IMin(x0 + p.kernel_w, p.w);
    result = -INFINITY;
    for (int y = IMax(y0, 0); y < y_end; ++y)
      for (int x = IMax(x0, 0); x < x_end; ++x) {
        const float v = load(y, x);
        if (v > result || isnan(v)) result = v;
      }
  } else {
    const int y_pad_end = IMin(y0 + p.kernel_h, p.h + p.pad_bottom);
    const int x_pad_end = IMin(x0 + p.kernel_w, p.w + p.pad_right);
    const int padded_count = (y_pad_end - y0) * (x_pad_end - x0);
    const int y_begin = IMax(y0, 0), x_begin = IMax(x0, 0);
    const int y_end = IMin(y_pad_end, p.h), x_end = IMin(x_pad_end, p.w);
    float sum = 0.0f;
    for (int y = y_begin; y < y_end; ++y)
      for (int x = x_begin; x < x_end; ++x) sum += load(y, x);
    const int divisor = p.count_include_pad ? padded_count : (y_end - y_begin) * (x_end - x_begin);
    result = sum / static_cast<float>(divisor);
  }
  p.out[ElementOffset<kLayout>(p.out_strides, p.out_h, p.out_w, img, ch, oy, ox)] =
      FromFloat<T>(result);
}

// Checks the arguments (incept::Error on a mismatch) and launches on `stream`. Input and
// output have the same type and layout.
template <typename T>
inline void LaunchPoolTyped(PoolMode mode, const AnyTensorRef& in, const PoolAttrs& attrs,
                            const AnyTensorRef& out, Stream stream) {
  const char* op = mode == PoolMode::kMax ? "MaxPool" : "AvgPool";
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
  if (in.type != out.type || in.layout != out.layout)
    Fail(op, std::string("input is ") + ElementTypeName(in.type) + " " + LayoutName(in.layout) +
                 ", output " + ElementTypeName(out.type) + " " + LayoutName(out.layout));
  const Window2d& win = attrs.window;
  if (win.kernel_h < 1 || win.kernel_w < 1 || win.stride_h < 1 || win.stride_w < 1 ||
      win.pad_top < 0 || win.pad_left < 0 || win.pad_bottom < 0 || win.pad_right < 0)
    Fail(op, "invalid window");
  if (2 * win.pad_top > win.kernel_h || 2 * win.pad_bottom > win.kernel_h ||
      2 * win.pad_left > win.kernel_w || 2 * win.pad_right > win.kernel_w)
    Fail(op, "padding must be at most half the kernel size");
  const Shape want{in.shape.n, in.shape.c,
                   WindowOutputSize(in.shape.h, win.kernel_h, win.stride_h, win.pad_top,
                                    win.pad_bottom, attrs.ceil_mode),
                   WindowOutputSize(in.shape.w, win.kernel_w, win.stride_w, win.pad_left,
                                    win.pad_right, attrs.ceil_mode)};
  RequireShape(op, "output", out.shape, want);

  PoolParams<T> p{};
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
  p.kernel_h = win.kernel_h;
  p.kernel_w = win.kernel_w;
  p.stride_h = win.stride_h;
  p.stride_w = win.stride_w;
  p.pad_top = win.pad_top;
  p.pad_left = win.pad_left;
  p.pad_bottom = win.pad_bottom;
  p.pad_right = win.pad_right;
  p.count_include_pad = attrs.count_include_pad;
  const int64_t total = out.shape.elements();
  const bool nhwc = in.layout == Layout::kNHWC;
  auto kernel = mode == PoolMode::kMax ? (nhwc ? PoolKernel<PoolMode::kMax, Layout::kNHWC, T>
                                               : PoolKernel<PoolMode::kMax, Layout::kNCHW, T>)
                                       : (nhwc ? PoolKernel<PoolMode::kAvg, Layout::kNHWC, T>
                                               : PoolKernel<PoolMode::kAvg, Layout::kNCHW, T>);
  Launch(op, kernel, GridFor(total, op), dim3(kThreadsPerBlock), 0, stream, p);
}

// Any element type and layout (the plan's formats).
inline void LaunchPool(PoolMode mode, const AnyTensorRef& in, const PoolAttrs& attrs,
                       const AnyTensorRef& out, Stream stream) {
  switch (in.type) {
    case ElementType::kF32:
      return LaunchPoolTyped<float>(mode, in, attrs, out, stream);
    case ElementType::kF16:
      return LaunchPoolTyped<Half>(mode, in, attrs, out, stream);
    case ElementType::kBF16:
      return LaunchPoolTyped<BFloat16>(mode, in, attrs, out, stream);
  }
}

// fp32 NCHW (the fp32 plan's activations).
inline void LaunchPool(PoolMode mode, const ConstTensorRef& in, const PoolAttrs& attrs,
                       const TensorRef& out, Stream stream) {
  const AnyTensorRef any_in{const_cast<float*>(in.data),
                            in.shape,
                            ElementType::kF32,
                            Layout::kNCHW,
                            in.batch_stride,
                            in.shape.c};
  const AnyTensorRef any_out{out.data,      out.shape,        ElementType::kF32,
                             Layout::kNCHW, out.batch_stride, out.shape.c};
  LaunchPool(mode, any_in, attrs, any_out, stream);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

// Max and average pooling over NCHW fp32, PyTorch's semantics, one thread per output.
//
// Window of output (oy, ox): rows [oy*sh - pad_top, +kh), cols [ox*sw - pad_left, +kw).
//   max: the maximum over the part inside the image (padding is -inf); NaN propagates.
//   avg: the sum over the part inside the image, divided by
//        count_include_pad ? the window clipped to the padded image : the part inside.
// The output size follows WindowOutputSize (ceil_mode drops a last window that would start
// in the trailing padding). Input and output may be channel slices (batch strides).
#pragma once

#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"
#include "graph/op.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

enum class PoolMode { kMax, kAvg };

struct PoolParams {
  const float* in;
  float* out;
  int n, c, h, w;
  int64_t in_batch_stride;
  int out_h, out_w;
  int64_t out_batch_stride;
  int kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right;
  bool count_include_pad;
};

template <PoolMode kMode>
__global__ void __launch_bounds__(kThreadsPerBlock) PoolKernel(PoolParams p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.out_h * p.out_w) return;
  const int ox = static_cast<int>(index % p.out_w);
  int64_t rest = index / p.out_w;
  const int oy = static_cast<int>(rest % p.out_h);
  rest /= p.out_h;
  const int ch = static_cast<int>(rest % p.c);
  const int img = static_cast<int>(rest / p.c);
  const float* src = p.in + img * p.in_batch_stride + static_cast<int64_t>(ch) * p.h * p.w;

  const int y0 = oy * p.stride_h - p.pad_top, x0 = ox * p.stride_w - p.pad_left;
  float result;
  if (kMode == PoolMode::kMax) {
    const int y_end = IMin(y0 + p.kernel_h, p.h), x_end = IMin(x0 + p.kernel_w, p.w);
    result = -INFINITY;
    for (int y = IMax(y0, 0); y < y_end; ++y)
      for (int x = IMax(x0, 0); x < x_end; ++x) {
        const float v = __ldg(src + static_cast<int64_t>(y) * p.w + x);
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
      for (int x = x_begin; x < x_end; ++x) sum += __ldg(src + static_cast<int64_t>(y) * p.w + x);
    const int divisor = p.count_include_pad ? padded_count : (y_end - y_begin) * (x_end - x_begin);
    result = sum / static_cast<float>(divisor);
  }
  p.out[img * p.out_batch_stride + (static_cast<int64_t>(ch) * p.out_h + oy) * p.out_w + ox] =
      result;
}

// Checks the arguments (incept::Error on a mismatch) and launches on `stream`.
inline void LaunchPool(PoolMode mode, const ConstTensorRef& in, const PoolAttrs& attrs,
                       const TensorRef& out, Stream stream) {
  const char* op = mode == PoolMode::kMax ? "MaxPool" : "AvgPool";
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
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

  PoolParams p{};
  p.in = in.data;
  p.out = out.data;
  p.n = static_cast<int>(in.shape.n);
  p.c = static_cast<int>(in.shape.c);
  p.h = static_cast<int>(in.shape.h);
  p.w = static_cast<int>(in.shape.w);
  p.in_batch_stride = in.batch_stride;
  p.out_h = static_cast<int>(out.shape.h);
  p.out_w = static_cast<int>(out.shape.w);
  p.out_batch_stride = out.batch_stride;
  p.kernel_h = win.kernel_h;
  p.kernel_w = win.kernel_w;
  p.stride_h = win.stride_h;
  p.stride_w = win.stride_w;
  p.pad_top = win.pad_top;
  p.pad_left = win.pad_left;
  p.pad_bottom = win.pad_bottom;
  p.pad_right = win.pad_right;
  p.count_include_pad = attrs.count_include_pad;
  const dim3 grid = GridFor(out.shape.elements(), op);
  if (mode == PoolMode::kMax)
    Launch("PoolKernel<kMax>", &PoolKernel<PoolMode::kMax>, grid, dim3(kThreadsPerBlock), 0, stream,
           p);
  else
    Launch("PoolKernel<kAvg>", &PoolKernel<PoolMode::kAvg>, grid, dim3(kThreadsPerBlock), 0, stream,
           p);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

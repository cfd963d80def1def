// Conv2dForward: im2col + Sgemm per (image, group); see conv2d.h.
#include "host/kernels/conv2d.h"

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "graph/error.h"
#include "host/kernels/gemm.h"

namespace incept {
namespace {

int64_t ConvOutputSize(int64_t in, int kernel, int stride, int pad_begin, int pad_end) {
  return (in + pad_begin + pad_end - kernel) / stride + 1;
}

void CheckConv(const ConstTensorView& in, const float* weight, const Conv2dAttrs& a,
               const TensorView& out) {
  const Window2d& w = a.window;
  auto fail = [&](const std::string& why) {
    throw Error("Conv2dForward: " + why + " (input " + in.shape.str() + ", output " +
                out.shape.str() + ")");
  };
  if (!in.data || !out.data || !weight) fail("null data or weight");
  if (w.kernel_h < 1 || w.kernel_w < 1 || w.stride_h < 1 || w.stride_w < 1) {
    fail("kernel and stride must be >= 1");
  }
  if (a.groups < 1 || in.shape.c % a.groups != 0 || out.shape.c % a.groups != 0) {
    fail("groups " + std::to_string(a.groups) + " must divide both channel counts");
  }
  if (out.shape.c != a.out_channels) {
    fail("out_channels " + std::to_string(a.out_channels) + " != output channels");
  }
  if (in.shape.n != out.shape.n) fail("batch sizes differ");
  const int64_t oh = ConvOutputSize(in.shape.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom);
  const int64_t ow = ConvOutputSize(in.shape.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right);
  if (oh < 1 || ow < 1 || out.shape.h != oh || out.shape.w != ow) {
    fail("output size must be " + std::to_string(oh) + "x" + std::to_string(ow));
  }
}

// col[(c*KH + i)*KW + j][y*OW + x] = in[c][y*SH - PT + i][x*SW - PL + j] (0 outside).
void Im2col(const float* in, int64_t channels, int64_t h, int64_t w, const Window2d& win,
            int64_t oh, int64_t ow, float* col) {
  const int64_t rows = channels * win.kernel_h * win.kernel_w;
#pragma omp parallel for schedule(static) if (rows * oh * ow > 65536 && !omp_in_parallel())
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t j = r % win.kernel_w, i = (r / win.kernel_w) % win.kernel_h;
    const int64_t c = r / (win.kernel_w * win.kernel_h);
    const float* plane = in + c * h * w;
    float* dst = col + r * oh * ow;
    // Output columns x whose input column x*SW - PL + j lies in [0, w).
    const int64_t shift = j - win.pad_left;
    const int64_t x_lo = std::min(ow, shift >= 0 ? 0 : (-shift + win.stride_w - 1) / win.stride_w);
    const int64_t x_hi =
        std::max(x_lo, std::min(ow, w - shift <= 0 ? 0 : (w - shift - 1) / win.stride_w + 1));
    for (int64_t y = 0; y < oh; ++y, dst += ow) {
      const int64_t iy = y * win.stride_h - win.pad_top + i;
      if (iy < 0 || iy >= h) {
        std::fill(dst, dst + ow, 0.0f);
        continue;
      }
      const float* src = plane + iy * w;
      std::fill(dst, dst + x_lo, 0.0f);
      if (win.stride_w == 1) {
        if (x_hi > x_lo) std::memcpy(dst + x_lo, src + x_lo + shift, sizeof(float) * (x_hi - x_lo));
      } else {
        for (int64_t x = x_lo; x < x_hi; ++x) dst[x] = src[x * win.stride_w + shift];
      }
      std::fill(dst + x_hi, dst + ow, 0.0f);
    }
  }
}

float* Im2colSpace(int64_t floats) {
  thread_local std::vector<float> space;
  if (static_cast<int64_t>(space.size()) < floats) space.resize(static_cast<size_t>(floats));
  return space.data();
}

// One image, all groups.
void ConvImage(const float* in, const Shape& in_shape, const float* weight, const float* bias,
               const Conv2dAttrs& a, float* out, const Shape& out_shape) {
  const Window2d& win = a.window;
  const int64_t cig = in_shape.c / a.groups, cog = out_shape.c / a.groups;
  const int64_t k = cig * win.kernel_h * win.kernel_w;
  const int64_t pixels = out_shape.h * out_shape.w;
  const bool direct = win.kernel_h == 1 && win.kernel_w == 1 && win.stride_h == 1 &&
                      win.stride_w == 1 && win.pad_top == 0 && win.pad_left == 0 &&
                      win.pad_bottom == 0 && win.pad_right == 0;
  float* col = direct ? nullptr : Im2colSpace(k * pixels);
  for (int64_t g = 0; g < a.groups; ++g) {
    const float* in_group = in + g * cig * in_shape.h * in_shape.w;
    if (!direct) Im2col(in_group, cig, in_shape.h, in_shape.w, win, out_shape.h, out_shape.w, col);
    GemmEpilogue epilogue;
    epilogue.row_bias = bias ? bias + g * cog : nullptr;
    epilogue.activation = a.activation;
    Sgemm(cog, pixels, k, GemmMatrix{weight + g * cog * k, k, 1},
          GemmMatrix{direct ? in_group : col, pixels, 1},
          GemmOutput{out + g * cog * pixels, pixels, 1}, epilogue);
  }
}

}  // namespace

void Conv2dForward(ConstTensorView in, const float* weight, const float* bias,
                   const Conv2dAttrs& attrs, TensorView out) {
  CheckConv(in, weight, attrs, out);
  const int64_t batch = in.shape.n;
  const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  const bool across_images =
      threads > 1 && batch >= threads && (batch % threads == 0 || batch >= 4 * threads);
  if (across_images) {
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t n = 0; n < batch; ++n)
      ConvImage(in.image(n), in.shape, weight, bias, attrs, out.image(n), out.shape);
  } else {
    for (int64_t n = 0; n < batch; ++n)
      ConvImage(in.image(n), in.shape, weight, bias, attrs, out.image(n), out.shape);
  }
}

}  // namespace incept

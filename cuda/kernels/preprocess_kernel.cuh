// Image preprocessing: interleaved 8-bit images (N, H, W, C), C <= 4, already resized and
// cropped on the host, to normalised planar fp32 (N, C, H, W), one thread per output:
//   y[n,c,h,w] = (x[n,h,w,c] / 255 - mean[c]) / std[c]
// Resizing stays on the host (decoding is there too); only the byte-to-float conversion
// and the normalisation run on the device, so the upload is 4x smaller than fp32.
#pragma once

#include <cstdint>

#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

constexpr int kMaxImageChannels = 4;

// mean and std per channel, in units of the [0, 1] range (ImageNet: 0.485/0.229, ...).
struct ImageNormalization {
  float mean[kMaxImageChannels] = {0, 0, 0, 0};
  float std[kMaxImageChannels] = {1, 1, 1, 1};
};

struct PreprocessParams {
  const uint8_t* images;
  int64_t image_stride;  // bytes between images (>= H * W * C)
  float* out;
  int64_t out_batch_stride;
  int n, c;
  int64_t plane;
  float scale[kMaxImageChannels];  // 1 / (255 * std[c])
  float shift[kMaxImageChannels];  // -mean[c] / std[c]
};

__global__ void __launch_bounds__(kThreadsPerBlock) PreprocessKernel(PreprocessParams p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.plane) return;
  const int64_t pixel = index % p.plane;
  const int64_t rest = index / p.plane;
  const int ch = static_cast<int>(rest % p.c);
  const int64_t img = rest / p.c;
  const float x = static_cast<float>(p.images[img * p.image_stride + pixel * p.c + ch]);
  p.out[img * p.out_batch_stride + ch * p.plane + pixel] = x * p.scale[ch] + p.shift[ch];
}

// `out` is (N, C, H, W); the images are N blocks of H*W*C bytes, `image_stride` apart.
inline void LaunchPreprocess(const uint8_t* images, int64_t image_stride,
                             const ImageNormalization& norm, const TensorRef& out, Stream stream) {
  const char* op = "Preprocess";
  RequirePointer(op, "images", images);
  RequireTensor(op, "output", out);
  if (out.shape.c > kMaxImageChannels) Fail(op, "more than 4 image channels");
  if (image_stride < out.shape.per_image()) Fail(op, "image stride < H*W*C");
  PreprocessParams p{};
  p.images = images;
  p.image_stride = image_stride;
  p.out = out.data;
  p.out_batch_stride = out.batch_stride;
  p.n = static_cast<int>(out.shape.n);
  p.c = static_cast<int>(out.shape.c);
  p.plane = out.shape.plane();
  for (int c = 0; c < p.c; ++c) {
    if (!(norm.std[c] > 0.0f)) Fail(op, "std must be > 0");
    p.scale[c] = 1.0f / (255.0f * norm.std[c]);
    p.shift[c] = -norm.mean[c] / norm.std[c];
  }
  Launch("PreprocessKernel", &PreprocessKernel, GridFor(out.shape.elements(), op),
         dim3(kThreadsPerBlock), 0, stream, p);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

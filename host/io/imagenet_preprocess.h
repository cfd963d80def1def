// torchvision's ImageNet evaluation transform, as applied to a PIL image:
//   Resize(256)      shorter side to 256, longer side int(256 * long / short), Pillow's
//                    antialiased BILINEAR on the 8-bit image (host/io/pil_resize.h);
//                    skipped when the image already has that size
//   CenterCrop(224)  top = round((H - 224) / 2), left likewise, Python's round (half to
//                    even)
//   ToTensor         x = v / 255 (float32)
//   Normalize        (x - mean[c]) / std[c], mean (0.485, 0.456, 0.406),
//                    std (0.229, 0.224, 0.225), in float32 like torch
// Since PIL resizes 8-bit pixels, the input is first quantised to 8 bits
// (round(clamp(x, 0, 1) * 255)), which is exact for images from LoadImageTensor. The
// result then matches torchvision to float rounding.
#pragma once

#include <cstdint>

#include "graph/tensor.h"
#include "host/io/pil_resize.h"

namespace incept {

constexpr int64_t kImageNetResize = 256;
constexpr int64_t kImageNetCrop = 224;
constexpr float kImageNetMean[3] = {0.485f, 0.456f, 0.406f};
constexpr float kImageNetStd[3] = {0.229f, 0.224f, 0.225f};

// Size after Resize(short_side) of an height x width image: {new_height, new_width}.
struct ImageSize {
  int64_t height = 0, width = 0;
};
ImageSize ResizedSize(int64_t height, int64_t width, int64_t short_side = kImageNetResize);

// torchvision's centre-crop offset along one axis: round((size - crop) / 2), half to even.
int64_t CenterCropOffset(int64_t size, int64_t crop);

// One RGB 8-bit image (3 x H x W) to a normalised 3 x 224 x 224 float block at `out`.
void PreprocessImageNet8(const PlanarImage8& rgb, float* out);

// (N, 3, H, W) floats in [0, 1] -> (N, 3, 224, 224) normalised. Throws Error unless the
// input is rank 4 with 3 channels and positive sizes.
Tensor PreprocessImageNet(const Tensor& rgb01);

}  // namespace incept

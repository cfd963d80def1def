#include "host/io/imagenet_preprocess.h"

#include <cmath>
#include <string>

#include "graph/error.h"

namespace incept {
namespace {

uint8_t Quantise(float x) {
  if (!(x > 0.0f)) return 0;  // also NaN
  if (x >= 1.0f) return 255;
  return static_cast<uint8_t>(std::floor(x * 255.0f + 0.5f));
}

}  // namespace

ImageSize ResizedSize(int64_t height, int64_t width, int64_t short_side) {
  // torchvision: new_long = int(short_side * long / short), a float64 division.
  const auto scaled = [&](int64_t long_side, int64_t short_in) {
    return static_cast<int64_t>(static_cast<double>(short_side * long_side) /
                                static_cast<double>(short_in));
  };
  if (width <= height) return {scaled(height, width), short_side};
  return {short_side, scaled(width, height)};
}

int64_t CenterCropOffset(int64_t size, int64_t crop) {
  const int64_t twice = size - crop;  // the offset is twice / 2, rounded half to even
  const int64_t floor_half = twice >= 0 ? twice / 2 : -((-twice + 1) / 2);
  if (twice % 2 == 0) return floor_half;
  return floor_half % 2 == 0 ? floor_half : floor_half + 1;
}

void PreprocessImageNet8(const PlanarImage8& rgb, float* out) {
  if (rgb.channels != 3) {
    throw Error("PreprocessImageNet: expected 3 channels (RGB), got " +
                std::to_string(rgb.channels));
  }
  const ImageSize resized = ResizedSize(rgb.height, rgb.width);
  const ResizeWindow crop{CenterCropOffset(resized.height, kImageNetCrop),
                          CenterCropOffset(resized.width, kImageNetCrop), kImageNetCrop,
                          kImageNetCrop};
  const PlanarImage8 cropped = ResizeBilinearPil(rgb, resized.height, resized.width, crop);
  const int64_t plane = kImageNetCrop * kImageNetCrop;
  for (int64_t c = 0; c < 3; ++c) {
    for (int64_t i = 0; i < plane; ++i) {
      const float x = static_cast<float>(cropped.pixels[c * plane + i]) / 255.0f;
      out[c * plane + i] = (x - kImageNetMean[c]) / kImageNetStd[c];
    }
  }
}

Tensor PreprocessImageNet(const Tensor& rgb01) {
  if (rgb01.dims.size() != 4 || rgb01.dims[1] != 3 || rgb01.dims[0] <= 0 || rgb01.dims[2] <= 0 ||
      rgb01.dims[3] <= 0 || static_cast<int64_t>(rgb01.data.size()) != rgb01.elements()) {
    throw Error("PreprocessImageNet: expected an (N, 3, H, W) image tensor, got " +
                rgb01.dims_str() + " with " + std::to_string(rgb01.data.size()) + " values");
  }
  const int64_t batch = rgb01.dims[0];
  PlanarImage8 image;
  image.channels = 3;
  image.height = rgb01.dims[2];
  image.width = rgb01.dims[3];
  const int64_t per_image = 3 * image.height * image.width;
  image.pixels.resize(per_image);
  Tensor out({batch, 3, kImageNetCrop, kImageNetCrop});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t i = 0; i < per_image; ++i)
      image.pixels[i] = Quantise(rgb01.data[n * per_image + i]);
    PreprocessImageNet8(image, out.data.data() + n * 3 * kImageNetCrop * kImageNetCrop);
  }
  return out;
}

}  // namespace incept

// Pillow's BILINEAR resize of 8-bit images (libImaging/Resample.c, ImagingResample), bit
// for bit, which is what torchvision's transforms.Resize does to a PIL image.
//
// Separable, horizontal pass first, each pass rounding to uint8. For an output index o of
// an axis scaled from `in` to `out` samples:
//   scale = in / out, filterscale = max(scale, 1), support = filterscale (triangle radius)
//   center = (o + 0.5) * scale
//   taps x in [int(center - support + 0.5), int(center + support + 0.5)) clipped to [0, in)
//   w(x) = max(0, 1 - |(x - center + 0.5) / filterscale|), normalised to sum 1
// so a downscale averages over a triangle as wide as the scale factor (antialiasing) and
// an upscale is plain bilinear interpolation with half-pixel centres. The weights are
// quantised to 22-bit fixed point (round half away from zero); each output is
//   clamp((2^21 + sum pixel * weight) >> 22, 0, 255).
//
// Only a window of the resized image is computed (e.g. the centre crop), with the values
// the full resize would have there.
#pragma once

#include <cstdint>
#include <vector>

namespace incept {

// Channel-planar 8-bit image: pixel (c, y, x) at pixels[(c * height + y) * width + x].
struct PlanarImage8 {
  int64_t channels = 0, height = 0, width = 0;
  std::vector<uint8_t> pixels;

  uint8_t at(int64_t c, int64_t y, int64_t x) const { return pixels[(c * height + y) * width + x]; }
};

// Rows [top, top + height) and columns [left, left + width) of a resized image.
struct ResizeWindow {
  int64_t top = 0, left = 0, height = 0, width = 0;
};

// The window of `image` resized to out_height x out_width. Throws Error if a size is not
// positive or the window is not inside the resized image.
PlanarImage8 ResizeBilinearPil(const PlanarImage8& image, int64_t out_height, int64_t out_width,
                               const ResizeWindow& window);
PlanarImage8 ResizeBilinearPil(const PlanarImage8& image, int64_t out_height, int64_t out_width);

}  // namespace incept

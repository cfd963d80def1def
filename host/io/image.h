// Image input: decode (JPEG, PNG, BMP, PNM through stb_image; JPEG Huffman tables checked
// first, host/io/jpeg_guard.h) to RGB, and torchvision's ImageNet preprocessing
// (host/io/imagenet_preprocess.h).
//
// Grey images are replicated to RGB and alpha is dropped (no compositing), as PIL's
// convert("RGB") does; 16-bit PNGs keep their high byte. JPEG decoding is stb's, whose
// IDCT and chroma upsampling may differ from libjpeg's (PIL) by a few levels per pixel.
// EXIF orientation is ignored, as PIL does unless asked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/tensor.h"
#include "host/io/imagenet_preprocess.h"
#include "host/io/pil_resize.h"

namespace incept {

// Larger images are refused before decoding (a small file can claim a huge size): PIL's
// decompression-bomb limit, 2 x Image.MAX_IMAGE_PIXELS.
constexpr int64_t kMaxImagePixels = 178'956'970;

// Whether this build decodes images (stb_image was found when it was compiled); without
// it, the decoding functions throw Error saying so.
bool HaveImageDecoder();

// Decodes to a 3 x H x W planar 8-bit image. `source` names the image in errors, which
// carry stb's reason: `cat.png: cannot decode image: bad png sig`.
PlanarImage8 DecodeImage8(const uint8_t* data, size_t size, const std::string& source);
PlanarImage8 LoadImage8(const std::string& path);

// (1, 3, H, W) RGB floats in [0, 1] (v / 255).
Tensor LoadImageTensor(const std::string& path);

// Each file decoded and preprocessed for ImageNet: (N, 3, 224, 224).
Tensor LoadImagesBatch(const std::vector<std::string>& paths);

}  // namespace incept

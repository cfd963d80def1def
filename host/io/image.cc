#include "host/io/image.h"

#include <limits>
#include <memory>

#include "graph/error.h"
#include "host/io/file_bytes.h"
#include "host/io/jpeg_guard.h"

// stb_image, compiled here with internal linkage so that no other copy can clash with it.
#if __has_include(<stb/stb_image.h>)
#define INCEPT_HAVE_STB_IMAGE 1
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_FAILURE_USERMSG
// stb 2.27 asserts on some corrupt JPEGs (its huff_decode sanity check); the library must
// not abort, so a failed check becomes an Error (stb's buffers for that image leak).
#define STBI_ASSERT(condition) \
  ((condition) ? (void)0 : throw ::incept::Error("stb_image internal check failed: " #condition))
// The formats an image classifier meets; fewer decoders, less attack surface.
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_ONLY_PNM
#include <stb/stb_image.h>
#else
#define INCEPT_HAVE_STB_IMAGE 0
#endif

namespace incept {
namespace {

constexpr int kRgb = 3;

#if INCEPT_HAVE_STB_IMAGE
struct StbFree {
  void operator()(stbi_uc* pixels) const { stbi_image_free(pixels); }
};
#endif

}  // namespace

bool HaveImageDecoder() { return INCEPT_HAVE_STB_IMAGE != 0; }

PlanarImage8 DecodeImage8(const uint8_t* data, size_t size, const std::string& source) {
#if INCEPT_HAVE_STB_IMAGE
  if (size == 0) throw Error(source + ": cannot decode image: the file is empty");
  if (size > static_cast<size_t>(std::numeric_limits<int>::max())) {
    throw Error(source + ": cannot decode image: larger than 2 GiB");
  }
  CheckJpegHuffmanTables(data, size, source);
  int width = 0, height = 0, channels_in_file = 0;
  if (stbi_info_from_memory(data, static_cast<int>(size), &width, &height, &channels_in_file) &&
      int64_t{width} * height > kMaxImagePixels) {
    throw Error(source + ": image is " + std::to_string(width) + "x" + std::to_string(height) +
                " pixels, more than the limit of " + std::to_string(kMaxImagePixels) +
                " (PIL's decompression-bomb limit)");
  }
  std::unique_ptr<stbi_uc, StbFree> decoded(stbi_load_from_memory(
      data, static_cast<int>(size), &width, &height, &channels_in_file, kRgb));
  if (!decoded) throw Error(source + ": cannot decode image: " + stbi_failure_reason());
  PlanarImage8 image;
  image.channels = kRgb;
  image.height = height;
  image.width = width;
  const int64_t plane = int64_t{height} * width;
  image.pixels.resize(kRgb * plane);
  const stbi_uc* interleaved = decoded.get();
  for (int64_t i = 0; i < plane; ++i) {
    for (int c = 0; c < kRgb; ++c) image.pixels[c * plane + i] = interleaved[i * kRgb + c];
  }
  return image;
#else
  (void)data;
  (void)size;
  throw Error(source + ": cannot decode image: incept was built without stb_image " +
              "(install libstb-dev and rebuild)");
#endif
}

PlanarImage8 LoadImage8(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return DecodeImage8(bytes.data(), bytes.size(), path);
}

Tensor LoadImageTensor(const std::string& path) {
  const PlanarImage8 image = LoadImage8(path);
  Tensor tensor({1, image.channels, image.height, image.width});
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    tensor.data[i] = static_cast<float>(image.pixels[i]) / 255.0f;
  }
  return tensor;
}

Tensor LoadImagesBatch(const std::vector<std::string>& paths) {
  if (paths.empty()) throw Error("LoadImagesBatch: no image paths given");
  const int64_t batch = static_cast<int64_t>(paths.size());
  Tensor out({batch, kRgb, kImageNetCrop, kImageNetCrop});
  const int64_t per_image = kRgb * kImageNetCrop * kImageNetCrop;
  for (int64_t n = 0; n < batch; ++n) {
    const PlanarImage8 image = LoadImage8(paths[n]);
    try {
      PreprocessImageNet8(image, out.data.data() + n * per_image);
    } catch (const Error& e) {
      throw Error(paths[n] + ": " + e.what());
    }
  }
  return out;
}

}  // namespace incept

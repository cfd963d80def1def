// Image input: decoding (PNM written here, PNG from PIL), Pillow's bilinear resize on
// hand-computed cases, torchvision's ImageNet preprocessing compared with torchvision
// itself (skipped when /usr/bin/python3 lacks torch, torchvision or PIL), and errors.
#include "host/io/image.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "graph/error.h"
#include "host/io/file_bytes.h"
#include "host/io/npy.h"

namespace incept {
namespace {

// A fresh directory, removed with its files at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "incept_image_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw Error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteText(const std::string& path, const std::string& text) {
  WriteFileBytes(path, text.data(), text.size());
}

// A binary PNM: P6 (RGB) or P5 (grey), the simplest format stb decodes.
std::string Pnm(bool rgb, int width, int height, const std::vector<uint8_t>& pixels) {
  return std::string(rgb ? "P6" : "P5") + "\n" + std::to_string(width) + " " +
         std::to_string(height) + "\n255\n" + std::string(pixels.begin(), pixels.end());
}

std::string ErrorOf(void (*action)(const std::string&), const std::string& path) {
  try {
    action(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Decoding tests need stb_image at build time (libstb-dev); without it they are skipped.
#define REQUIRE_DECODER() \
  if (!HaveImageDecoder()) GTEST_SKIP() << "built without stb_image"

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

// ---- Decoding --------------------------------------------------------------------------

TEST(ImageDecode, RgbPixelsBecomePlanarFloatsOver255) {
  REQUIRE_DECODER();
  TempDir dir;
  // 3 x 2 image, interleaved RGB.
  const std::vector<uint8_t> pixels = {0,  1,  2,  10, 11, 12,  20, 21, 22,
                                       30, 31, 32, 40, 41, 255, 50, 51, 52};
  WriteText(dir.File("a.ppm"), Pnm(true, 3, 2, pixels));
  const Tensor t = LoadImageTensor(dir.File("a.ppm"));
  ASSERT_EQ(t.dims, (std::vector<int64_t>{1, 3, 2, 3}));
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < 6; ++i) {
      EXPECT_EQ(t.data[c * 6 + i], static_cast<float>(pixels[i * 3 + c]) / 255.0f) << c << " " << i;
    }
  }
}

TEST(ImageDecode, GreyIsReplicatedToRgb) {
  REQUIRE_DECODER();
  TempDir dir;
  WriteText(dir.File("g.pgm"), Pnm(false, 2, 1, {7, 200}));
  const Tensor t = LoadImageTensor(dir.File("g.pgm"));
  ASSERT_EQ(t.dims, (std::vector<int64_t>{1, 3, 1, 2}));
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(t.data[c * 2 + 0], 7.0f / 255.0f);
    EXPECT_EQ(t.data[c * 2 + 1], 200.0f / 255.0f);
  }
}

TEST(ImageDecode, MissingFileIsNamed) {
  EXPECT_HAS(ErrorOf([](const std::string& p) { LoadImageTensor(p); }, "/nonexistent/cat.jpg"),
             "/nonexistent/cat.jpg: cannot open");
}

TEST(ImageDecode, TextFileGivesStbReason) {
  REQUIRE_DECODER();
  TempDir dir;
  WriteText(dir.File("notes.txt"), "this is not an image\n");
  const std::string message =
      ErrorOf([](const std::string& p) { LoadImageTensor(p); }, dir.File("notes.txt"));
  EXPECT_HAS(message, dir.File("notes.txt") + ": cannot decode image: ");
  EXPECT_GT(message.size(), (dir.File("notes.txt") + ": cannot decode image: ").size());
}

TEST(ImageDecode, CorruptOrEmptyImagesRaiseError) {
  REQUIRE_DECODER();
  TempDir dir;
  // A PNG signature followed by garbage.
  WriteText(dir.File("broken.png"), std::string("\x89PNG\r\n\x1a\n", 8) + "garbage garbage");
  EXPECT_HAS(ErrorOf([](const std::string& p) { LoadImageTensor(p); }, dir.File("broken.png")),
             "broken.png: cannot decode image");
  WriteText(dir.File("empty.png"), "");
  EXPECT_HAS(ErrorOf([](const std::string& p) { LoadImageTensor(p); }, dir.File("empty.png")),
             "empty.png: cannot decode image: the file is empty");
  // A PNG cut after its header chunk: a 4x4 RGB IHDR, then IEND, no pixel data (IDAT).
  const std::string ihdr("\0\0\0\x0dIHDR\0\0\0\x04\0\0\0\x04\x08\x02\0\0\0\0\0\0\0", 25);
  const std::string iend("\0\0\0\0IEND\xae\x42\x60\x82", 12);
  WriteText(dir.File("cut.png"), std::string("\x89PNG\r\n\x1a\n", 8) + ihdr + iend);
  EXPECT_HAS(ErrorOf([](const std::string& p) { LoadImageTensor(p); }, dir.File("cut.png")),
             "cut.png: cannot decode image");
  EXPECT_HAS(ErrorOf([](const std::string& p) { LoadImageTensor(p); }, dir.path()),
             "is a directory");
}

// A DHT segment whose 16 code counts total 272 (> 256) would make stb 2.27 write past its
// Huffman table: refused before stb sees it, also behind 0xFF fill bytes.
TEST(ImageDecode, JpegHuffmanTableWithTooManyCodesIsRefused) {
  REQUIRE_DECODER();
  const size_t codes = 16 * 17;
  std::string dht = "\xff\xc4";
  const size_t length = 2 + 1 + 16 + codes;
  dht += static_cast<char>(length >> 8);
  dht += static_cast<char>(length & 0xff);
  dht += '\0';  // class 0, table 0
  dht += std::string(16, '\x11');
  dht += std::string(codes, '\x01');
  TempDir dir;
  for (const std::string& start : {std::string("\xff\xd8"), std::string("\xff\xff\xff\xd8")}) {
    WriteText(dir.File("bad.jpg"), start + dht + "\xff\xd9");
    EXPECT_HAS(ErrorOf([](const std::string& p) { LoadImageTensor(p); }, dir.File("bad.jpg")),
               "bad.jpg: corrupt JPEG: Huffman table holds 272 codes (at most 256)");
  }
}

TEST(ImageDecode, HugeImagesAreRefusedBeforeDecoding) {
  REQUIRE_DECODER();
  TempDir dir;
  WriteText(dir.File("bomb.ppm"), "P6\n20000 10000\n255\n");
  EXPECT_HAS(ErrorOf([](const std::string& p) { LoadImageTensor(p); }, dir.File("bomb.ppm")),
             "bomb.ppm: image is 20000x10000 pixels, more than the limit");
}

// ---- Pillow's bilinear resize -------------------------------------------------------------

PlanarImage8 Row(const std::vector<uint8_t>& values) {
  PlanarImage8 image;
  image.channels = 1;
  image.height = 1;
  image.width = static_cast<int64_t>(values.size());
  image.pixels = values;
  return image;
}

// Downscale by 2: the triangle has radius 2. Output 0 (centre 1.0) reads x = 0, 1, 2 with
// weights 0.75, 0.75, 0.25 (/1.75): (0*3 + 100*3 + 200) / 7 = 71.4 -> 71. Output 1 (centre
// 3.0) reads x = 1, 2, 3 with 0.25, 0.75, 0.75: (25 + 150 + 191.25) / 1.75 = 209.3 -> 209.
// (PIL gives [71, 209].)
TEST(PilResize, DownscaleAveragesOverAWideTriangle) {
  EXPECT_EQ(ResizeBilinearPil(Row({0, 100, 200, 255}), 1, 2).pixels,
            (std::vector<uint8_t>{71, 209}));
}

// Upscale by 2: plain bilinear with half-pixel centres 0.25, 0.75, 1.25, 1.75; the ends
// clamp. (PIL gives [0, 64, 191, 255].)
TEST(PilResize, UpscaleIsBilinearWithHalfPixelCentres) {
  EXPECT_EQ(ResizeBilinearPil(Row({0, 255}), 1, 4).pixels, (std::vector<uint8_t>{0, 64, 191, 255}));
}

TEST(PilResize, ConstantStaysConstantAndSameSizeIsIdentity) {
  PlanarImage8 image;
  image.channels = 2;
  image.height = 37;
  image.width = 53;
  image.pixels.assign(2 * 37 * 53, 77);
  for (const auto& [h, w] :
       std::vector<std::pair<int64_t, int64_t>>{{5, 9}, {100, 20}, {37, 53}, {1, 1}}) {
    const PlanarImage8 out = ResizeBilinearPil(image, h, w);
    EXPECT_EQ(out.height, h);
    EXPECT_EQ(out.width, w);
    EXPECT_TRUE(
        std::all_of(out.pixels.begin(), out.pixels.end(), [](uint8_t v) { return v == 77; }));
  }
  std::mt19937 rng(3);
  for (auto& v : image.pixels) v = static_cast<uint8_t>(rng());
  EXPECT_EQ(ResizeBilinearPil(image, 37, 53).pixels, image.pixels);
}

TEST(PilResize, WindowEqualsTheSameBlockOfTheFullResize) {
  PlanarImage8 image;
  image.channels = 3;
  image.height = 41;
  image.width = 67;
  std::mt19937 rng(5);
  image.pixels.resize(3 * 41 * 67);
  for (auto& v : image.pixels) v = static_cast<uint8_t>(rng());
  for (const auto& [h, w] :
       std::vector<std::pair<int64_t, int64_t>>{{20, 30}, {90, 100}, {41, 30}, {20, 67}}) {
    const PlanarImage8 full = ResizeBilinearPil(image, h, w);
    const ResizeWindow window{h / 4, w / 3, h / 2, w / 2};
    const PlanarImage8 part = ResizeBilinearPil(image, h, w, window);
    ASSERT_EQ(part.height, window.height);
    ASSERT_EQ(part.width, window.width);
    for (int64_t c = 0; c < 3; ++c) {
      for (int64_t y = 0; y < window.height; ++y) {
        for (int64_t x = 0; x < window.width; ++x) {
          ASSERT_EQ(part.at(c, y, x), full.at(c, window.top + y, window.left + x))
              << h << "x" << w << " at " << c << "," << y << "," << x;
        }
      }
    }
  }
}

TEST(PilResize, BadSizesRaiseError) {
  EXPECT_THROW(ResizeBilinearPil(Row({1, 2}), 0, 2), Error);
  EXPECT_THROW(ResizeBilinearPil(Row({1, 2}), 1, 2, ResizeWindow{0, 1, 1, 2}), Error);
  PlanarImage8 inconsistent = Row({1, 2});
  inconsistent.width = 3;
  EXPECT_THROW(ResizeBilinearPil(inconsistent, 1, 1), Error);
}

// ---- torchvision's ImageNet transform ----------------------------------------------------

TEST(ImageNetPreprocess, ResizedSizeAndCropFollowTorchvision) {
  EXPECT_EQ(ResizedSize(280, 300).height, 256);
  EXPECT_EQ(ResizedSize(280, 300).width, 274);   // int(256 * 300 / 280) = int(274.29)
  EXPECT_EQ(ResizedSize(333, 200).height, 426);  // int(426.24)
  EXPECT_EQ(ResizedSize(333, 200).width, 256);
  EXPECT_EQ(ResizedSize(100, 100).height, 256);
  EXPECT_EQ(CenterCropOffset(256, 224), 16);
  EXPECT_EQ(CenterCropOffset(301, 224), 38);  // round(38.5) = 38, half to even
  EXPECT_EQ(CenterCropOffset(303, 224), 40);  // round(39.5) = 40
  EXPECT_EQ(CenterCropOffset(224, 224), 0);
}

TEST(ImageNetPreprocess, ConstantImageGivesNormalisedConstant) {
  Tensor image({2, 3, 300, 500});
  for (size_t i = 0; i < image.data.size(); ++i) {
    image.data[i] = static_cast<float>(i < image.data.size() / 2 ? 128 : 3) / 255.0f;
  }
  const Tensor out = PreprocessImageNet(image);
  ASSERT_EQ(out.dims, (std::vector<int64_t>{2, 3, 224, 224}));
  const int64_t plane = 224 * 224;
  for (int n = 0; n < 2; ++n) {
    for (int c = 0; c < 3; ++c) {
      const float expected =
          (static_cast<float>(n == 0 ? 128 : 3) / 255.0f - kImageNetMean[c]) / kImageNetStd[c];
      const float* p = &out.data[(n * 3 + c) * plane];
      EXPECT_TRUE(std::all_of(p, p + plane, [&](float v) { return v == expected; }))
          << n << " " << c;
    }
  }
}

TEST(ImageNetPreprocess, RejectsNonImageTensors) {
  EXPECT_THROW(PreprocessImageNet(Tensor({3, 10, 10})), Error);
  EXPECT_THROW(PreprocessImageNet(Tensor({1, 4, 10, 10})), Error);
  EXPECT_THROW(PreprocessImageNet(Tensor({1, 3, 0, 10})), Error);
}

TEST(ImageNetPreprocess, TinyImagesAreAccepted) {
  Tensor image({1, 3, 1, 1});
  image.data = {1.0f, 0.0f, 0.5f};
  const Tensor out = PreprocessImageNet(image);
  EXPECT_EQ(out.dims, (std::vector<int64_t>{1, 3, 224, 224}));
  EXPECT_EQ(out.data[0], (1.0f - kImageNetMean[0]) / kImageNetStd[0]);
}

TEST(ImageNetPreprocess, BatchErrorNamesTheFile) {
  REQUIRE_DECODER();
  TempDir dir;
  WriteText(dir.File("ok.pgm"), Pnm(false, 2, 2, {1, 2, 3, 4}));
  const std::vector<std::string> paths = {dir.File("ok.pgm"), dir.File("missing.png")};
  try {
    LoadImagesBatch(paths);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_HAS(e.what(), "missing.png");
  }
  EXPECT_EQ(LoadImagesBatch({dir.File("ok.pgm")}).dims, (std::vector<int64_t>{1, 3, 224, 224}));
  EXPECT_THROW(LoadImagesBatch({}), Error);
}

bool HaveTorchvision() {
  return std::system(
             "/usr/bin/python3 -c 'import torch, torchvision, PIL, numpy' >/dev/null 2>&1") == 0;
}

// PNGs written by PIL: we decode the same pixels, and our batch equals torchvision's
// Resize(256) + CenterCrop(224) + ToTensor + Normalize to float rounding.
TEST(ImageNetPreprocessTorchvision, MatchesTorchvisionOnPilImages) {
  REQUIRE_DECODER();
  if (!HaveTorchvision())
    GTEST_SKIP() << "/usr/bin/python3 with torch, torchvision, PIL not available";
  TempDir dir;
  const std::string script =
      std::string(INCEPT_SOURCE_DIR) + "/tests/host/testdata/imagenet_reference.py";
  const int status =
      std::system(("/usr/bin/python3 '" + script + "' '" + dir.path() + "'").c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "reference script failed";

  std::vector<std::string> names, paths;
  std::ifstream list(dir.File("images.txt"));
  for (std::string line; std::getline(list, line);) {
    if (!line.empty()) names.push_back(line);
  }
  ASSERT_FALSE(names.empty());
  for (const std::string& name : names) paths.push_back(dir.File(name));

  // Decoding: the same pixels as PIL's convert("RGB") (grey replicated, alpha dropped).
  for (size_t i = 0; i < names.size(); ++i) {
    const Tensor ours = LoadImageTensor(paths[i]);
    const Tensor pil = LoadNpy(dir.File("rgb_" + std::to_string(i) + ".npy"));  // (H, W, 3)
    ASSERT_EQ(pil.dims.size(), 3u);
    ASSERT_EQ(ours.dims, (std::vector<int64_t>{1, 3, pil.dims[0], pil.dims[1]})) << names[i];
    const int64_t plane = pil.dims[0] * pil.dims[1];
    int64_t mismatches = 0;
    for (int64_t p = 0; p < plane; ++p) {
      for (int64_t c = 0; c < 3; ++c) mismatches += ours.data[c * plane + p] != pil.data[p * 3 + c];
    }
    EXPECT_EQ(mismatches, 0) << names[i];
  }

  // A PNG cut in half is refused.
  const std::vector<uint8_t> png = ReadFileBytes(paths[0]);
  WriteFileBytes(dir.File("half.png"), png.data(), png.size() / 2);
  EXPECT_HAS(ErrorOf([](const std::string& p) { LoadImageTensor(p); }, dir.File("half.png")),
             "half.png: cannot decode image");

  // Preprocessing.
  const Tensor expected = LoadNpy(dir.File("expected.npy"));
  const Tensor ours = LoadImagesBatch(paths);
  ASSERT_EQ(ours.dims, expected.dims);
  const int64_t per_image = 3 * 224 * 224;
  for (size_t n = 0; n < names.size(); ++n) {
    float max_error = 0.0f;
    int64_t differing = 0;
    for (int64_t i = 0; i < per_image; ++i) {
      const float error =
          std::fabs(ours.data[n * per_image + i] - expected.data[n * per_image + i]);
      max_error = std::max(max_error, error);
      differing += error > 0.0f;
    }
    // Identical 8-bit resize and the same float32 ops: equal up to float rounding.
    EXPECT_LE(max_error, 1e-5f) << names[n] << ": " << differing << " values differ";
    std::printf("%s: max abs error %g, %lld of %lld values differ\n", names[n].c_str(), max_error,
                static_cast<long long>(differing), static_cast<long long>(per_image));
  }
  // The float path (LoadImageTensor + PreprocessImageNet) gives the same batch.
  Tensor stacked({static_cast<int64_t>(names.size()), 3, 224, 224});
  for (size_t n = 0; n < names.size(); ++n) {
    const Tensor one = PreprocessImageNet(LoadImageTensor(paths[n]));
    std::copy(one.data.begin(), one.data.end(), stacked.data.begin() + n * per_image);
  }
  EXPECT_EQ(stacked.data, ours.data);
}

}  // namespace
}  // namespace incept

// Weight packing for a precision (graph/weight_pack.h): exact bytes on a tiny filter in
// OHWI, rounding once to fp16/bf16, other ranks kept in order, and the inverse.
#include "graph/weight_pack.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "graph/error.h"
#include "graph/float16.h"

namespace incept {
namespace {

TEST(WeightPack, Fp32OhwiMovesChannelsInnermost) {
  // O=1, I=2, KH=1, KW=2: OIHW order w[0,0,0,0]=1, w[0,0,0,1]=2, w[0,1,0,0]=3, w[0,1,0,1]=4;
  // OHWI: (y=0,x=0): i=0,1 -> 1, 3; (y=0,x=1) -> 2, 4.
  Tensor w({1, 2, 1, 2});
  w.data = {1, 2, 3, 4};
  const std::vector<uint8_t> bytes = PackWeights(w, ElementType::kF32, Layout::kNHWC);
  ASSERT_EQ(bytes.size(), 16u);
  std::vector<float> packed(4);
  std::memcpy(packed.data(), bytes.data(), 16);
  EXPECT_EQ(packed, (std::vector<float>{1, 3, 2, 4}));
  std::memcpy(packed.data(), PackWeights(w, ElementType::kF32, Layout::kNCHW).data(), 16);
  EXPECT_EQ(packed, (std::vector<float>{1, 2, 3, 4}));
}

TEST(WeightPack, Fp16BytesAreRoundedOnceLittleEndian) {
  Tensor bias({3});
  bias.data = {1.0f, 1.0f + 0x1p-11f, -65520.0f};  // exact, a tie to even, overflow
  const std::vector<uint8_t> bytes = PackWeights(bias, ElementType::kF16, Layout::kNHWC);
  EXPECT_EQ(bytes, (std::vector<uint8_t>{0x00, 0x3c, 0x00, 0x3c, 0x00, 0xfc}));
  const std::vector<uint8_t> bf16 = PackWeights(bias, ElementType::kBF16, Layout::kNHWC);
  EXPECT_EQ(bf16[0], 0x80);
  EXPECT_EQ(bf16[1], 0x3f);  // 1.0 = 0x3f80
}

TEST(WeightPack, RoundTripsARealFilterShape) {
  // inception3a's 3x3: 128 x 96 x 3 x 3.
  Tensor w({128, 96, 3, 3});
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  for (float& x : w.data) x = normal(rng);
  for (ElementType type : {ElementType::kF32, ElementType::kF16, ElementType::kBF16})
    for (Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
      const Tensor back = UnpackWeights(PackWeights(w, type, layout), w.dims, type, layout);
      for (size_t i = 0; i < w.data.size(); ++i) {
        const float want = type == ElementType::kF16    ? RoundToHalf(w.data[i])
                           : type == ElementType::kBF16 ? RoundToBFloat16(w.data[i])
                                                        : w.data[i];
        ASSERT_EQ(back.data[i], want)
            << ElementTypeName(type) << " " << LayoutName(layout) << " " << i;
      }
    }
  // OHWI puts element (o=1, i=5, y=2, x=0) at ((1 * 3 + 2) * 3 + 0) * 96 + 5.
  const std::vector<uint8_t> bytes = PackWeights(w, ElementType::kF32, Layout::kNHWC);
  float v;
  std::memcpy(&v, &bytes[(((1 * 3 + 2) * 3 + 0) * 96 + 5) * 4], 4);
  EXPECT_EQ(v, w.data[((1 * 96 + 5) * 3 + 2) * 3 + 0]);
  EXPECT_THROW(UnpackWeights(bytes, {128, 96, 3}, ElementType::kF32, Layout::kNHWC), Error);
}

}  // namespace
}  // namespace incept

// graph/float16.h: fp32 -> fp16 / bf16 with round to nearest even, checked over
// every 16-bit pattern (round trip exact), at every midpoint between neighbours (ties to
// even, including the subnormal range and the step to infinity), and on specials.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "graph/float16.h"

namespace incept {
namespace {

bool IsHalfNaN(uint16_t h) { return (h & 0x7c00u) == 0x7c00u && (h & 0x03ffu) != 0; }

TEST(HalfRounding, EveryHalfRoundTripsAndMidpointsTieToEven) {
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    const auto bits = static_cast<uint16_t>(h);
    if (IsHalfNaN(bits)) continue;
    const float v = HalfBitsToFloat(bits);
    ASSERT_EQ(FloatToHalfBits(v), bits) << std::hex << h;
    if ((h & 0x7fffu) >= 0x7bffu) continue;  // the step to inf: see Specials
    // The midpoint to the next half away from zero rounds to the even one of the two.
    const auto next = static_cast<uint16_t>(h + 1);
    const float up = HalfBitsToFloat(next);
    const double mid = (static_cast<double>(v) + up) / 2.0;
    const auto mid_f = static_cast<float>(mid);  // exact: halves have 11 significant bits
    ASSERT_EQ(static_cast<double>(mid_f), mid);
    const uint16_t even = (h & 1u) ? next : bits;
    ASSERT_EQ(FloatToHalfBits(mid_f), even) << std::hex << h;
    // Just above / below the midpoint go up / down.
    ASSERT_EQ(FloatToHalfBits(std::nextafter(mid_f, 2.0f * up)), next) << std::hex << h;
    ASSERT_EQ(FloatToHalfBits(std::nextafter(mid_f, 0.0f)), bits) << std::hex << h;
  }
}

TEST(HalfRounding, Specials) {
  EXPECT_EQ(FloatToHalfBits(65504.0f), 0x7bffu);
  EXPECT_EQ(FloatToHalfBits(65519.99f), 0x7bffu);
  EXPECT_EQ(FloatToHalfBits(65520.0f), 0x7c00u);  // the midpoint to 2^16 rounds to inf
  EXPECT_EQ(FloatToHalfBits(-1e30f), 0xfc00u);
  EXPECT_EQ(FloatToHalfBits(std::numeric_limits<float>::infinity()), 0x7c00u);
  EXPECT_TRUE(IsHalfNaN(FloatToHalfBits(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_EQ(FloatToHalfBits(std::ldexp(1.0f, -25)), 0x0000u);  // half of the least subnormal
  EXPECT_EQ(FloatToHalfBits(std::ldexp(1.5f, -25)), 0x0001u);
  EXPECT_EQ(FloatToHalfBits(-0.0f), 0x8000u);
}

TEST(BFloat16Rounding, RoundTripsAndTiesToEven) {
  for (uint32_t b = 0; b < 0x10000u; ++b) {
    const auto bits = static_cast<uint16_t>(b);
    if ((b & 0x7f80u) == 0x7f80u) continue;  // inf and NaN
    const float v = BFloat16BitsToFloat(bits);
    ASSERT_EQ(FloatToBFloat16Bits(v), bits) << std::hex << b;
    // The fp32 halfway to the next bf16 (low 16 bits 0x8000) ties to even.
    const uint32_t mid = (static_cast<uint32_t>(b) << 16) | 0x8000u;
    const uint16_t even = (b & 1u) ? static_cast<uint16_t>(b + 1) : bits;
    ASSERT_EQ(FloatToBFloat16Bits(FloatFromBits(mid)), even) << std::hex << b;
    ASSERT_EQ(FloatToBFloat16Bits(FloatFromBits(mid + 1)), static_cast<uint16_t>(b + 1));
    ASSERT_EQ(FloatToBFloat16Bits(FloatFromBits(mid - 1)), bits);
  }
  EXPECT_EQ(FloatToBFloat16Bits(std::numeric_limits<float>::infinity()), 0x7f80u);
  const uint16_t nan = FloatToBFloat16Bits(std::numeric_limits<float>::quiet_NaN());
  EXPECT_TRUE((nan & 0x7f80u) == 0x7f80u && (nan & 0x7fu) != 0);
}

}  // namespace
}  // namespace incept

// Element types, layouts, precisions (graph/element_type.h) and the host's 16-bit float
// rounding (graph/float16.h), checked against an independent formula over many values.
#include "graph/element_type.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "graph/error.h"
#include "graph/float16.h"

namespace incept {
namespace {

TEST(ElementType, SizesAndNames) {
  EXPECT_EQ(ElementSize(ElementType::kF32), 4);
  EXPECT_EQ(ElementSize(ElementType::kF16), 2);
  EXPECT_EQ(ElementSize(ElementType::kBF16), 2);
  EXPECT_STREQ(ElementTypeName(ElementType::kBF16), "bf16");
  EXPECT_STREQ(LayoutName(Layout::kNHWC), "NHWC");
  EXPECT_STREQ(LayoutName(Layout::kNCHW), "NCHW");
}

TEST(Precision, ParsesEveryNameBack) {
  for (Precision p : {Precision::kFp32, Precision::kTf32, Precision::kFp16, Precision::kBf16})
    EXPECT_EQ(ParsePrecision(PrecisionName(p)), p);
  EXPECT_EQ(StorageType(Precision::kTf32), ElementType::kF32);
  EXPECT_EQ(StorageType(Precision::kBf16), ElementType::kBF16);
  EXPECT_FALSE(IsReduced(Precision::kTf32));
  EXPECT_TRUE(IsReduced(Precision::kFp16));
}

TEST(Precision, UnknownNameListsTheValidOnes) {
  try {
    ParsePrecision("fp8");
    FAIL() << "fp8 parsed";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "unknown precision \"fp8\": valid precisions are fp32, tf32, fp16, bf16");
  }
  EXPECT_THROW(ParsePrecision("FP16"), Error);
  EXPECT_THROW(ParsePrecision(""), Error);
}

// Independent reference: round |f| to `mantissa_bits` bits after the leading one at its
// binade, with the binade clamped below at `min_exponent` (subnormals), ties to even
// (nearbyint in the default rounding mode), in double.
double RoundReference(float f, int mantissa_bits, int min_exponent) {
  if (f == 0 || std::isnan(f) || std::isinf(f)) return f;
  int exponent = std::ilogb(f);
  if (exponent < min_exponent) exponent = min_exponent;
  const double step = std::ldexp(1.0, exponent - mantissa_bits);
  return std::nearbyint(static_cast<double>(f) / step) * step;
}

TEST(Float16, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    const float f = HalfBitsToFloat(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(RoundToHalf(f))) << h;
      continue;
    }
    EXPECT_EQ(FloatToHalfBits(f), h) << std::hex << h;
  }
}

TEST(Float16, RoundsToNearestEvenLikeTheReference) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> exponent(-27.0f, 17.0f);
  std::uniform_real_distribution<float> unit(1.0f, 2.0f);
  for (int i = 0; i < 200000; ++i) {
    const float f = std::ldexp(unit(rng), static_cast<int>(exponent(rng))) * (i % 2 ? -1 : 1);
    double expected = RoundReference(f, 10, -14);
    if (std::fabs(expected) > 65504) expected = std::copysign(INFINITY, f);
    ASSERT_EQ(static_cast<double>(RoundToHalf(f)), expected) << f;
  }
}

TEST(Float16, TiesOverflowSubnormalsAndSpecials) {
  EXPECT_EQ(RoundToHalf(1.0f + std::ldexp(1.0f, -11)), 1.0f);  // tie, 1.0 is even
  EXPECT_EQ(RoundToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), 1.0f + std::ldexp(1.0f, -9));
  EXPECT_EQ(RoundToHalf(65519.0f), 65504.0f);
  EXPECT_TRUE(std::isinf(RoundToHalf(65520.0f)));
  EXPECT_EQ(RoundToHalf(std::ldexp(1.0f, -25)), 0.0f);  // tie between 0 and 2^-24: 0
  EXPECT_EQ(RoundToHalf(3 * std::ldexp(1.0f, -25)), std::ldexp(1.0f, -23));
  EXPECT_EQ(FloatToHalfBits(std::ldexp(1023.5f, -24)), 0x400u);  // up to the smallest normal
  EXPECT_EQ(FloatToHalfBits(-0.0f), 0x8000u);
  EXPECT_EQ(FloatToHalfBits(-INFINITY), 0xfc00u);
  EXPECT_TRUE(std::isnan(RoundToHalf(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(RoundToHalf(FloatFromBits(0x7f800001u))));  // signalling payload
}

TEST(BFloat16, EveryValueRoundTripsAndRoundsToNearestEven) {
  for (uint32_t b = 0; b < 0x10000u; ++b) {
    const float f = BFloat16BitsToFloat(static_cast<uint16_t>(b));
    if (std::isnan(f)) continue;
    EXPECT_EQ(FloatToBFloat16Bits(f), b) << std::hex << b;
  }
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> exponent(-60.0f, 60.0f);
  std::uniform_real_distribution<float> unit(1.0f, 2.0f);
  for (int i = 0; i < 200000; ++i) {
    const float f = std::ldexp(unit(rng), static_cast<int>(exponent(rng))) * (i % 2 ? -1 : 1);
    ASSERT_EQ(static_cast<double>(RoundToBFloat16(f)), RoundReference(f, 7, -126)) << f;
  }
  EXPECT_EQ(RoundToBFloat16(1.0f + std::ldexp(1.0f, -8)), 1.0f);  // tie to even
  EXPECT_TRUE(std::isinf(RoundToBFloat16(std::numeric_limits<float>::max())));
  EXPECT_TRUE(std::isnan(RoundToBFloat16(FloatFromBits(0x7f800001u))));
}

TEST(Tf32, KeepsTenMantissaBits) {
  std::mt19937 rng(13);
  std::uniform_real_distribution<float> value(-100.0f, 100.0f);
  for (int i = 0; i < 100000; ++i) {
    const float f = value(rng);
    ASSERT_EQ(static_cast<double>(RoundToTf32(f)), RoundReference(f, 10, -126)) << f;
  }
  EXPECT_TRUE(std::isinf(RoundToTf32(INFINITY)));
}

}  // namespace
}  // namespace incept

// Rounding fp32 to the 16-bit tensor-core formats, round to nearest even, on the host:
//   FloatToHalfBits      IEEE binary16: overflow to inf, subnormals below 2^-14, NaN kept
//   FloatToBFloat16Bits  the top 16 bits of the fp32 after rounding the low 16 (NaN kept)
//   RoundToHalf / RoundToBFloat16  the fp32 value of the rounded number
// The inverse (exact) conversions are host/io/float_bits.h's HalfBitsToFloat and
// BFloat16BitsToFloat. These match __float2half_rn / __float2bfloat16_rn bit for bit.
#pragma once

#include <cstdint>
#include <cstring>

namespace incept {

inline uint32_t BitsOfFloat(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float FloatOfBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline uint16_t FloatToBFloat16Bits(float f) {
  const uint32_t u = BitsOfFloat(f);
  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu) != 0)
    return static_cast<uint16_t>((u >> 16) | 0x0040u);  // quiet NaN
  const uint32_t rounding = 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>((u + rounding) >> 16);
}

inline uint16_t FloatToHalfBits(float f) {
  const uint32_t u = BitsOfFloat(f);
  const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
  const uint32_t magnitude = u & 0x7fffffffu;
  if (magnitude >= 0x7f800000u)  // inf or NaN
    return static_cast<uint16_t>(sign | 0x7c00u | (magnitude > 0x7f800000u ? 0x0200u : 0u));
  if (magnitude >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // >= 65520: inf
  if (magnitude < 0x38800000u) {               // below 2^-14: a subnormal half (or zero)
    if (magnitude < 0x33000000u) return sign;  // below 2^-25: rounds to zero (ties to even)
    const int exponent = static_cast<int>(magnitude >> 23);  // biased, 102..112
    const uint32_t mantissa = (magnitude & 0x007fffffu) | 0x00800000u;
    const int shift = 126 - exponent;  // value = mantissa * 2^(exponent-150); unit 2^-24
    uint32_t half = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1u);
    const uint32_t midpoint = 1u << (shift - 1);
    if (rest > midpoint || (rest == midpoint && (half & 1u))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  // Normal: rebias the exponent (127 -> 15) and round the 13 dropped mantissa bits.
  const uint32_t rebased = magnitude - (112u << 23);
  const uint32_t rounding = 0x0fffu + ((rebased >> 13) & 1u);
  return static_cast<uint16_t>(sign | ((rebased + rounding) >> 13));
}

inline float HalfBitsToFloatValue(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24
    const float magnitude = static_cast<float>(mantissa) * (1.0f / 16777216.0f);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31) return FloatOfBits(sign | 0x7f800000u | (mantissa << 13));
  return FloatOfBits(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

inline float BFloat16BitsToFloatValue(uint16_t b) {
  return FloatOfBits(static_cast<uint32_t>(b) << 16);
}

inline float RoundToHalf(float f) { return HalfBitsToFloatValue(FloatToHalfBits(f)); }
inline float RoundToBFloat16(float f) { return BFloat16BitsToFloatValue(FloatToBFloat16Bits(f)); }

}  // namespace incept

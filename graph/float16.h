// The 16-bit float formats on the host: exact widening to fp32 and rounding from fp32 to
// nearest, ties to even (the IEEE default and what the GPU's conversions do: __float2half_rn,
// __float2bfloat16_rn). Shared by the host backend's rounding mode, the emulated kernels and
// the weight upload, so every side of a comparison rounds alike.
//
//   fp16 (IEEE binary16): s eeeee mmmmmmmmmm, bias 15; e=0: subnormal m*2^-24; e=31: inf/NaN.
//     Largest finite 65504; |x| >= 65520 (the midpoint to 2^16) rounds to inf.
//   bf16 (bfloat16):      the top 16 bits of an fp32 (8-bit exponent, 7-bit mantissa).
//   tf32:                 an fp32 with its low 13 mantissa bits cleared (10-bit mantissa).
// NaN stays NaN (quiet), inf stays inf, the sign of zero is kept.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace incept {

inline float FloatFromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline uint32_t BitsFromFloat(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

inline float HalfBitsToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31) return FloatFromBits(sign | 0x7f800000u | (mantissa << 13));
  return FloatFromBits(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

inline float BFloat16BitsToFloat(uint16_t b) {
  return FloatFromBits(static_cast<uint32_t>(b) << 16);
}

inline uint16_t FloatToHalfBits(float f) {
  const uint32_t x = BitsFromFloat(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  uint32_t magnitude = x & 0x7fffffffu;
  if (magnitude >= 0x7f800000u) {  // inf, or NaN (quiet, top payload bits kept)
    return sign | 0x7c00u | (magnitude > 0x7f800000u ? 0x200u | ((magnitude >> 13) & 0x3ffu) : 0u);
  }
  if (magnitude >= 0x477ff000u) return sign | 0x7c00u;  // >= 65520: inf
  if (magnitude < 0x38800000u) {
    // Below 2^-14: a subnormal half, m * 2^-24 with m = round(|f| * 2^24) < 1024 (the
    // product is exact; m = 1024 is the smallest normal, whose encoding is 0x400).
    const float scaled = FloatFromBits(magnitude) * 16777216.0f;
    return sign | static_cast<uint16_t>(std::nearbyint(scaled));
  }
  // Normal: rebias the exponent (127 -> 15) and round the 13 dropped bits to even.
  const uint32_t odd = (magnitude >> 13) & 1u;
  magnitude += 0xc8000fffu + odd;
  return sign | static_cast<uint16_t>(magnitude >> 13);
}

inline uint16_t FloatToBFloat16Bits(float f) {
  const uint32_t x = BitsFromFloat(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40u);  // NaN
  const uint32_t odd = (x >> 16) & 1u;
  return static_cast<uint16_t>((x + 0x7fffu + odd) >> 16);
}

// fp32 -> the nearest value of the format, as an fp32.
inline float RoundToHalf(float f) { return HalfBitsToFloat(FloatToHalfBits(f)); }
inline float RoundToBFloat16(float f) { return BFloat16BitsToFloat(FloatToBFloat16Bits(f)); }
inline float RoundToTf32(float f) {
  uint32_t x = BitsFromFloat(f);
  if ((x & 0x7f800000u) == 0x7f800000u) return f;  // inf, NaN
  x += 0xfffu + ((x >> 13) & 1u);
  return FloatFromBits(x & 0xffffe000u);
}

}  // namespace incept

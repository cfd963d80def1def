// Exact widening of the small float formats of weight files to fp32 (every value of these
// formats is exactly representable in fp32, so the conversion never rounds):
//   F16 (IEEE binary16):  s eeeee mmmmmmmmmm, bias 15; e=0 subnormal m*2^-24; e=31 inf/NaN
//   BF16 (bfloat16):      the top 16 bits of an fp32
//   F8_E5M2:              the top 8 bits of an F16
//   F8_E4M3 (OCP "FN"):   s eeee mmm, bias 7; e=0 subnormal m*2^-9; no inf, S.1111.111 NaN
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "graph/float16.h"  // FloatFromBits, HalfBitsToFloat, BFloat16BitsToFloat

namespace incept {

inline float Float8E5M2BitsToFloat(uint8_t b) {
  return HalfBitsToFloat(static_cast<uint16_t>(b << 8));
}

inline float Float8E4M3BitsToFloat(uint8_t b) {
  const bool negative = (b & 0x80u) != 0;
  const int exponent = (b >> 3) & 0xf;
  const int mantissa = b & 0x7;
  float magnitude;
  if (exponent == 15 && mantissa == 7) {
    magnitude = std::numeric_limits<float>::quiet_NaN();
  } else if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -9);
  } else {
    magnitude = std::ldexp(static_cast<float>(8 + mantissa), exponent - 7 - 3);
  }
  return negative ? -magnitude : magnitude;
}

}  // namespace incept

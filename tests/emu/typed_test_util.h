// Test helpers for the kernels templated on element type and layout: a channel slice of a
// sentinel-filled root in any type and layout (cuda/kernels/element_access.cuh's offsets),
// seeded random filling, rounding like the device and the spacing of a type.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "cuda/kernels/any_tensor_ref.h"
#include "graph/float16.h"

namespace incept {
namespace typed_test {

constexpr float kSentinel = -12345.0f;

inline float RoundTo(ElementType type, float x) {
  if (type == ElementType::kF16) return RoundToHalf(x);
  if (type == ElementType::kBF16) return RoundToBFloat16(x);
  return x;
}

// The spacing of `type` at |x| (one unit in the last place), for the averaging tolerance.
inline double Ulp(ElementType type, double x) {
  const int mantissa = type == ElementType::kF32 ? 23 : type == ElementType::kF16 ? 10 : 7;
  const int min_exponent = type == ElementType::kF16 ? -14 : -126;
  const int e = x == 0 ? min_exponent : std::max(std::ilogb(x), min_exponent);
  return std::ldexp(1.0, e - mantissa);
}

// Channels [offset, offset + C) of a root of `offset + C + extra` channels, in one type and
// layout, the other channels holding kSentinel.
struct TypedSlice {
  Shape shape;
  ElementType type;
  Layout layout;
  int64_t offset, root_channels;
  std::vector<uint8_t> bytes;

  TypedSlice(Shape s, ElementType t, Layout l, int64_t channel_offset = 0, int64_t extra = 0)
      : shape(s),
        type(t),
        layout(l),
        offset(channel_offset),
        root_channels(offset + s.c + extra),
        bytes(static_cast<size_t>(s.n * root_channels * s.plane() * ElementSize(t))) {
    for (int64_t i = 0; i < s.n * root_channels * s.plane(); ++i) Store(i, kSentinel);
  }
  // Index of (n, c, y, x) of the root (c counts from 0 of the root).
  int64_t RootIndex(int64_t n, int64_t c, int64_t y, int64_t x) const {
    const int64_t image = n * root_channels * shape.plane();
    return layout == Layout::kNCHW ? image + (c * shape.h + y) * shape.w + x
                                   : image + (y * shape.w + x) * root_channels + c;
  }
  void Store(int64_t i, float v) {
    const size_t size = static_cast<size_t>(ElementSize(type));
    if (type == ElementType::kF32) {
      std::memcpy(&bytes[i * size], &v, size);
    } else {
      const uint16_t bits = type == ElementType::kF16 ? FloatToHalfBits(v) : FloatToBFloat16Bits(v);
      std::memcpy(&bytes[i * size], &bits, size);
    }
  }
  float Load(int64_t i) const {
    const size_t size = static_cast<size_t>(ElementSize(type));
    if (type == ElementType::kF32) {
      float v;
      std::memcpy(&v, &bytes[i * size], size);
      return v;
    }
    uint16_t bits;
    std::memcpy(&bits, &bytes[i * size], size);
    return type == ElementType::kF16 ? HalfBitsToFloat(bits) : BFloat16BitsToFloat(bits);
  }
  void Set(int64_t n, int64_t c, int64_t y, int64_t x, float v) {
    Store(RootIndex(n, offset + c, y, x), v);
  }
  float Get(int64_t n, int64_t c, int64_t y, int64_t x) const {
    return Load(RootIndex(n, offset + c, y, x));
  }
  simt::AnyTensorRef ref() {
    const int64_t first = layout == Layout::kNCHW ? offset * shape.plane() : offset;
    return {bytes.data() + first * ElementSize(type),
            shape,
            type,
            layout,
            root_channels * shape.plane(),
            root_channels};
  }
  // Every root element outside the slice still holds the sentinel.
  bool OutsideUntouched() const {
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < root_channels; ++c) {
        if (c >= offset && c < offset + shape.c) continue;
        for (int64_t y = 0; y < shape.h; ++y)
          for (int64_t x = 0; x < shape.w; ++x)
            if (Load(RootIndex(n, c, y, x)) != RoundTo(type, kSentinel)) return false;
      }
    return true;
  }
};

inline void FillRandom(TypedSlice& t, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  for (int64_t n = 0; n < t.shape.n; ++n)
    for (int64_t c = 0; c < t.shape.c; ++c)
      for (int64_t y = 0; y < t.shape.h; ++y)
        for (int64_t x = 0; x < t.shape.w; ++x) t.Set(n, c, y, x, dist(rng));
}

}  // namespace typed_test
}  // namespace incept

// Element types and layouts in our SIMT kernels (docs/design.md §7): the storage types, their
// conversions to and from fp32 (every kernel computes in fp32), and the element offset in
// each layout.
//
//   float      fp32
//   Half       fp16: __half under nvcc; 16 bits converted by graph/float16.h under the
//              emulator (round to nearest even, as __float2half_rn)
//   BFloat16   bf16: __nv_bfloat16 under nvcc; graph/float16.h under the emulator
//
// Offset of element (n, c, y, x) of an activation with H x W pixels:
//   NCHW: n * batch_stride + (c * H + y) * W + x
//   NHWC: n * batch_stride + (y * W + x) * pixel_stride + c
// A channel slice [c0, c0 + C) of a root with Ct channels starts at base + c0 * H * W (NCHW)
// or base + c0 (NHWC) and has batch_stride Ct * H * W and pixel_stride Ct.
#pragma once

#include <cstdint>

#include "cuda/kernels/kernel_defs.cuh"
#include "graph/element_type.h"

#if defined(__CUDACC__)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#else
#include "graph/float16.h"
#endif

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

#if defined(__CUDACC__)
using Half = __half;
using BFloat16 = __nv_bfloat16;
__device__ __forceinline__ float ToFloat(float x) { return x; }
__device__ __forceinline__ float ToFloat(Half x) { return __half2float(x); }
__device__ __forceinline__ float ToFloat(BFloat16 x) { return __bfloat162float(x); }
template <typename T>
__device__ __forceinline__ T FromFloat(float x);
template <>
__device__ __forceinline__ float FromFloat<float>(float x) {
  return x;
}
template <>
__device__ __forceinline__ Half FromFloat<Half>(float x) {
  return __float2half_rn(x);
}
template <>
__device__ __forceinline__ BFloat16 FromFloat<BFloat16>(float x) {
  return __float2bfloat16_rn(x);
}
#else
struct Half {
  uint16_t bits;
};
struct BFloat16 {
  uint16_t bits;
};
inline float ToFloat(float x) { return x; }
inline float ToFloat(Half x) { return HalfBitsToFloat(x.bits); }
inline float ToFloat(BFloat16 x) { return BFloat16BitsToFloat(x.bits); }
template <typename T>
inline T FromFloat(float x);
template <>
inline float FromFloat<float>(float x) {
  return x;
}
template <>
inline Half FromFloat<Half>(float x) {
  return Half{FloatToHalfBits(x)};
}
template <>
inline BFloat16 FromFloat<BFloat16>(float x) {
  return BFloat16{FloatToBFloat16Bits(x)};
}
#endif

static_assert(sizeof(Half) == 2 && sizeof(BFloat16) == 2, "16-bit storage types");

// The storage type of an ElementType.
template <ElementType kType>
struct StorageOf;
template <>
struct StorageOf<ElementType::kF32> {
  using type = float;
};
template <>
struct StorageOf<ElementType::kF16> {
  using type = Half;
};
template <>
struct StorageOf<ElementType::kBF16> {
  using type = BFloat16;
};

// Where an activation's elements are: strides of one layout.
struct Strides {
  int64_t batch = 0;  // elements from one image to the next
  int64_t pixel = 0;  // NHWC: elements from one pixel to the next (the root's C)
};

template <Layout kLayout>
__host__ __device__ __forceinline__ int64_t ElementOffset(const Strides& s, int h, int w, int n,
                                                          int c, int y, int x) {
  if (kLayout == Layout::kNCHW) return n * s.batch + (static_cast<int64_t>(c) * h + y) * w + x;
  return n * s.batch + (static_cast<int64_t>(y) * w + x) * s.pixel + c;
}

// The logical position of the index-th element of an (n, c, h, w) tensor enumerated in a
// layout's order (consecutive threads take consecutive elements):
//   NCHW  index = ((img * c + ch) * h + y) * w + x      (x fastest)
//   NHWC  index = ((img * h + y) * w + x) * c + ch      (channels fastest)
struct ElementPosition {
  int img, ch, y, x;
};

__host__ __device__ __forceinline__ ElementPosition PositionOf(int64_t index, bool nhwc, int c,
                                                               int h, int w) {
  ElementPosition e;
  if (nhwc) {
    e.ch = static_cast<int>(index % c);
    int64_t rest = index / c;
    e.x = static_cast<int>(rest % w);
    rest /= w;
    e.y = static_cast<int>(rest % h);
    e.img = static_cast<int>(rest / h);
  } else {
    e.x = static_cast<int>(index % w);
    int64_t rest = index / w;
    e.y = static_cast<int>(rest % h);
    rest /= h;
    e.ch = static_cast<int>(rest % c);
    e.img = static_cast<int>(rest / c);
  }
  return e;
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

// The host-side interface of the tensor-core fused reduce conv
// (cuda/kernels/fused_reduce_conv_tc_kernel.cuh), free of CUDA headers so plain C++ callers
// (tests, the emulator, the tactic timer) can fill it:
//
//   TcElement                  the 16-bit type of activations and weights (fp16, bf16)
//   FusedReduceConvTcArgs      one launch: NHWC tensors (the output possibly a channel slice
//                              of a concat buffer), packed weights, fp32 biases, attrs
//   PackFusedReduceConvTc...   fp32 weights -> the kernel's padded 16-bit layouts:
//                              W1 [Crp][Cinp], W2 [Coutp][K][K][Crp] (OHWI), zero padded
//
// Padding: Cinp and Crp round up to 16 (the k and n of a 16x16x16 fragment), Coutp to 64
// (the output channels of one stage-2 pass). Packing is a pure function; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/float16.h"
#include "graph/op.h"
#include "graph/shape.h"

namespace incept {
namespace simt {

enum class TcElement { kHalf, kBFloat16 };

inline const char* TcElementName(TcElement e) { return e == TcElement::kHalf ? "fp16" : "bf16"; }

// fp32 -> the element's bits, rounding to nearest even; and back (exact).
inline uint16_t TcBits(TcElement e, float v) {
  return e == TcElement::kHalf ? FloatToHalfBits(v) : FloatToBFloat16Bits(v);
}
inline float TcValue(TcElement e, uint16_t bits) {
  return e == TcElement::kHalf ? HalfBitsToFloat(bits) : BFloat16BitsToFloat(bits);
}
inline float TcRound(TcElement e, float v) { return TcValue(e, TcBits(e, v)); }

constexpr int kTcChannelAlign = 16;  // Cinp, Crp
constexpr int kTcCoutPass = 64;      // Coutp; the kernel's output channels per pass

inline int RoundUpTo(int v, int m) { return (v + m - 1) / m * m; }

struct FusedReduceConvTcArgs {
  TcElement element = TcElement::kHalf;
  Shape in_shape;                       // logical (N, Cin, H, W)
  const void* in = nullptr;             // NHWC, 16-bit elements
  int64_t in_pixel_stride = 0;          // elements between pixels; 0: Cin (dense)
  const void* reduce_weight = nullptr;  // packed W1 [Crp][Cinp]
  const float* reduce_bias = nullptr;   // [Cr]
  const void* weight = nullptr;         // packed W2 [Coutp][K][K][Crp]
  const float* bias = nullptr;          // [Cout] or null
  FusedReduceConvAttrs attrs;
  Shape out_shape;                 // logical (N, Cout, OH, OW)
  void* out = nullptr;             // NHWC buffer with out_pixel_stride channels per pixel
  int64_t out_pixel_stride = 0;    // 0: Cout (dense)
  int64_t out_channel_offset = 0;  // the slice's first channel in the buffer
  int cout_per_block = 0;          // output channels per block (rounded up to 64); 0: all
  int tile_h = 0;  // output rows per block: 8, or 4 (twice the blocks of a small map); 0: 8
};

struct PackedFusedReduceConvTcWeights {
  int in_c_padded = 0, reduce_c_padded = 0, out_c_padded = 0;
  std::vector<uint16_t> reduce_weight;  // [Crp][Cinp]
  std::vector<uint16_t> weight;         // [Coutp][K][K][Crp]
};

// reduce_weight: fp32 [Cr][Cin]; weight: fp32 [Cout][Cr][K][K] (the graph's layouts).
inline PackedFusedReduceConvTcWeights PackFusedReduceConvTcWeights(TcElement e,
                                                                   const FusedReduceConvAttrs& a,
                                                                   const float* reduce_weight,
                                                                   const float* weight) {
  PackedFusedReduceConvTcWeights p;
  const int cin = a.in_channels, cr = a.reduce_channels, cout = a.conv.out_channels;
  const int kh = a.conv.window.kernel_h, kw = a.conv.window.kernel_w;
  p.in_c_padded = RoundUpTo(cin, kTcChannelAlign);
  p.reduce_c_padded = RoundUpTo(cr, kTcChannelAlign);
  p.out_c_padded = RoundUpTo(cout, kTcCoutPass);
  p.reduce_weight.assign(static_cast<size_t>(p.reduce_c_padded) * p.in_c_padded, 0);
  for (int r = 0; r < cr; ++r)
    for (int c = 0; c < cin; ++c)
      p.reduce_weight[static_cast<size_t>(r) * p.in_c_padded + c] =
          TcBits(e, reduce_weight[static_cast<size_t>(r) * cin + c]);
  p.weight.assign(static_cast<size_t>(p.out_c_padded) * kh * kw * p.reduce_c_padded, 0);
  for (int o = 0; o < cout; ++o)
    for (int r = 0; r < cr; ++r)
      for (int y = 0; y < kh; ++y)
        for (int x = 0; x < kw; ++x)
          p.weight[((static_cast<size_t>(o) * kh + y) * kw + x) * p.reduce_c_padded + r] =
              TcBits(e, weight[((static_cast<size_t>(o) * cr + r) * kh + y) * kw + x]);
  return p;
}

}  // namespace simt
}  // namespace incept

// The fused reduce convolution (docs/design.md §4 item 4):
//
//   z[r,y,x]   = inside(y,x) ? relu(b1[r] + sum_ci W1[r,ci] * x[ci,y,x]) : 0
//   out[co,oy,ox] = act(b2[co] + sum_{r,ky,kx} W2[co,r,ky,kx] * z[r, oy*S-pt+ky, ox*S-pl+kx])
//
// i.e. a 1x1 conv + bias + ReLU whose result feeds a KHxKW conv (square, or Inception-v3's
// 1x7 / 7x1 / 1x3 / 3x1) whose zero padding applies to
// the reduced tensor z (outside the image z is 0, not relu(b1)). z never reaches global
// memory. One block computes a kTileH x kTileW output tile of one image, all channels:
//   1. stage 1: z for the tile plus its halo, all R reduced channels, into shared memory;
//      the input channels go through shared memory in chunks of kInChunk;
//   2. stage 2: each thread owns one output pixel and kCoutPerThread channels at a time;
//      the block walks the output channels kCoutPerPass at a time, reading z from shared
//      memory and W2 through the read-only cache, and writes act(acc + b2) to the output,
//      which may be a channel slice of a concat buffer.
// Shared memory: (R + kInChunk) * halo pixels floats; halo = ((T-1)*S + KH) * ((T-1)*S + KW).
// The reduce
// is recomputed on the halo only, never per output-channel tile.
#pragma once

#include <string>

#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"
#include "graph/op.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

struct FusedReduceConvParams {
  const float* in;
  int64_t in_batch_stride;
  int in_c, in_h, in_w;
  const float* reduce_weight;  // [R][Cin]
  const float* reduce_bias;    // [R]
  const float* weight;         // [Cout][R][KH][KW]
  const float* bias;           // [Cout], or null
  int reduce_c, out_c, out_h, out_w;
  float* out;
  int64_t out_batch_stride;
  int pad_top, pad_left;
  int tiles_w;  // output tiles per row; blockIdx.x = tile_y * tiles_w + tile_x
  Activation activation;
};

// The compile-time shape of one block's work.
template <int kKernelH, int kKernelW, int kStride, int kTileH = 8, int kTileW = 8,
          int kThreads = 256, int kCoutPerThreadArg = 8, int kInChunkArg = 16>
struct FusedReduceConvTile {
  static_assert(kKernelH >= 1 && kKernelH <= 7 && kKernelW >= 1 && kKernelW <= 7,
                "kernel size 1..7");
  static_assert(kStride >= 1 && kStride <= 2, "stride 1 or 2");
  static_assert(kThreads % 32 == 0 && kThreads <= 1024, "whole warps, at most 1024 threads");
  static_assert(kThreads % (kTileH * kTileW) == 0, "threads must cover the tile's pixels");
  static_assert(kCoutPerThreadArg >= 1 && kInChunkArg >= 1, "positive work per thread");

  static constexpr int kKH = kKernelH;
  static constexpr int kKW = kKernelW;
  static constexpr int kS = kStride;
  static constexpr int kTH = kTileH;
  static constexpr int kTW = kTileW;
  static constexpr int kBlockThreads = kThreads;
  static constexpr int kCoutPerThread = kCoutPerThreadArg;
  static constexpr int kInChunk = kInChunkArg;
  static constexpr int kHaloH = (kTileH - 1) * kStride + kKernelH;
  static constexpr int kHaloW = (kTileW - 1) * kStride + kKernelW;
  static constexpr int kHaloPixels = kHaloH * kHaloW;
  static constexpr int kTilePixels = kTileH * kTileW;
  static constexpr int kChannelGroups = kThreads / kTilePixels;
  static constexpr int kCoutPerPass = kChannelGroups * kCoutPerThread;

  static size_t SharedBytes(int reduce_channels) {
    return (static_cast<size_t>(reduce_channels) + kInChunk) * kHaloPixels * sizeof(float);
  }
};

template <typename Tile>
__global__ void __launch_bounds__(Tile::kBlockThreads)
    FusedReduceConvKernel(FusedReduceConvParams p) {
  constexpr int kKH = Tile::kKH, kKW = Tile::kKW, kS = Tile::kS, kHaloW = Tile::kHaloW;
  constexpr int kHaloPixels = Tile::kHaloPixels, kThreads = Tile::kBlockThreads;
  constexpr int kInChunk = Tile::kInChunk, kCoutPerThread = Tile::kCoutPerThread;
  INCEPT_DYNAMIC_SHARED(float, shared);
  float* reduced = shared;                                                   // [R][halo]
  float* x_chunk = shared + static_cast<int64_t>(p.reduce_c) * kHaloPixels;  // [kInChunk][halo]

  const int t = threadIdx.x;
  const int img = blockIdx.y;
  const int oy0 = (blockIdx.x / p.tiles_w) * Tile::kTH;
  const int ox0 = (blockIdx.x % p.tiles_w) * Tile::kTW;
  const int iy0 = oy0 * kS - p.pad_top, ix0 = ox0 * kS - p.pad_left;
  const float* x = p.in + img * p.in_batch_stride;
  const int64_t in_plane = static_cast<int64_t>(p.in_h) * p.in_w;
  const int reduced_count = p.reduce_c * kHaloPixels;

  // Stage 1: z = b1 + W1 x over the tile and its halo, input channels chunk by chunk.
  for (int ci0 = 0; ci0 < p.in_c; ci0 += kInChunk) {
    const int chunk = IMin(kInChunk, p.in_c - ci0);
    for (int e = t; e < kInChunk * kHaloPixels; e += kThreads) {
      const int ci = e / kHaloPixels, q = e % kHaloPixels;
      const int iy = iy0 + q / kHaloW, ix = ix0 + q % kHaloW;
      const bool inside = ci < chunk && iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
      x_chunk[e] =
          inside ? __ldg(x + (ci0 + ci) * in_plane + static_cast<int64_t>(iy) * p.in_w + ix) : 0.0f;
    }
    __syncthreads();
    for (int e = t; e < reduced_count; e += kThreads) {
      const int r = e / kHaloPixels, q = e % kHaloPixels;
      const float* w1 = p.reduce_weight + static_cast<int64_t>(r) * p.in_c + ci0;
      float acc = ci0 == 0 ? __ldg(p.reduce_bias + r) : reduced[e];
      for (int ci = 0; ci < chunk; ++ci) acc += __ldg(w1 + ci) * x_chunk[ci * kHaloPixels + q];
      reduced[e] = acc;
    }
    __syncthreads();
  }
  // ReLU inside the image; the KxK conv's zero padding outside it.
  for (int e = t; e < reduced_count; e += kThreads) {
    const int q = e % kHaloPixels;
    const int iy = iy0 + q / kHaloW, ix = ix0 + q % kHaloW;
    const bool inside = iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
    reduced[e] = inside ? fmaxf(reduced[e], 0.0f) : 0.0f;
  }
  __syncthreads();

  // Stage 2: the KHxKW conv of z, kCoutPerThread output channels of one pixel per thread.
  const int pixel = t % Tile::kTilePixels, group = t / Tile::kTilePixels;
  const int py = pixel / Tile::kTW, px = pixel % Tile::kTW;
  const int oy = oy0 + py, ox = ox0 + px;
  const bool pixel_inside = oy < p.out_h && ox < p.out_w;
  const int64_t out_plane = static_cast<int64_t>(p.out_h) * p.out_w;
  float* y = p.out + img * p.out_batch_stride + static_cast<int64_t>(oy) * p.out_w + ox;
  const int64_t w_co_stride = static_cast<int64_t>(p.reduce_c) * kKH * kKW;
  const float* z_pixel = reduced + (py * kS) * kHaloW + px * kS;

  for (int co0 = group * kCoutPerThread; co0 < p.out_c; co0 += Tile::kCoutPerPass) {
    float acc[kCoutPerThread];
    const float* w[kCoutPerThread];
    INCEPT_UNROLL
    for (int j = 0; j < kCoutPerThread; ++j) {
      acc[j] = 0.0f;
      w[j] = p.weight + IMin(co0 + j, p.out_c - 1) * w_co_stride;  // clamped, not stored
    }
    for (int r = 0; r < p.reduce_c; ++r) {
      const float* z = z_pixel + r * kHaloPixels;
      const int w_r = r * kKH * kKW;
      INCEPT_UNROLL
      for (int ky = 0; ky < kKH; ++ky) {
        INCEPT_UNROLL
        for (int kx = 0; kx < kKW; ++kx) {
          const float v = z[ky * kHaloW + kx];
          INCEPT_UNROLL
          for (int j = 0; j < kCoutPerThread; ++j) acc[j] += __ldg(w[j] + w_r + ky * kKW + kx) * v;
        }
      }
    }
    if (!pixel_inside) continue;
    INCEPT_UNROLL
    for (int j = 0; j < kCoutPerThread; ++j) {
      const int co = co0 + j;
      if (co >= p.out_c) break;
      float v = p.bias ? acc[j] + __ldg(p.bias + co) : acc[j];
      if (p.activation == Activation::kReLU) v = fmaxf(v, 0.0f);
      y[co * out_plane] = v;
    }
  }
}

template <int kKernelH, int kKernelW, int kStride>
using DefaultFusedReduceConvTile = FusedReduceConvTile<kKernelH, kKernelW, kStride>;

template <int kKernelH, int kKernelW, int kStride>
void LaunchFusedReduceConvTile(FusedReduceConvParams p, int n, Stream stream) {
  using Tile = DefaultFusedReduceConvTile<kKernelH, kKernelW, kStride>;
  p.tiles_w = static_cast<int>(CeilDiv(p.out_w, Tile::kTW));
  const int64_t tiles = CeilDiv(p.out_h, Tile::kTH) * p.tiles_w;
  if (tiles > 0x7fffffff) Fail("FusedReduceConv", "output too large for one launch");
  const dim3 grid(static_cast<unsigned>(tiles), static_cast<unsigned>(n));
  Launch("FusedReduceConvKernel", &FusedReduceConvKernel<Tile>, grid, dim3(Tile::kBlockThreads),
         Tile::SharedBytes(p.reduce_c), stream, p);
}

// The windows we ship (8x8 tiles): square kernels 1, 3, 5, 7 with stride 1 or 2, and
// Inception-v3's factorised 1x7, 7x1, 1x3, 3x1 with stride 1. One instantiation each.
struct FusedReduceConvVariant {
  int kernel_h, kernel_w, stride;
  void (*launch)(FusedReduceConvParams, int, Stream);
};
inline constexpr FusedReduceConvVariant kFusedReduceConvVariants[] = {
    {1, 1, 1, &LaunchFusedReduceConvTile<1, 1, 1>}, {1, 1, 2, &LaunchFusedReduceConvTile<1, 1, 2>},
    {3, 3, 1, &LaunchFusedReduceConvTile<3, 3, 1>}, {3, 3, 2, &LaunchFusedReduceConvTile<3, 3, 2>},
    {5, 5, 1, &LaunchFusedReduceConvTile<5, 5, 1>}, {5, 5, 2, &LaunchFusedReduceConvTile<5, 5, 2>},
    {7, 7, 1, &LaunchFusedReduceConvTile<7, 7, 1>}, {7, 7, 2, &LaunchFusedReduceConvTile<7, 7, 2>},
    {1, 7, 1, &LaunchFusedReduceConvTile<1, 7, 1>}, {7, 1, 1, &LaunchFusedReduceConvTile<7, 1, 1>},
    {1, 3, 1, &LaunchFusedReduceConvTile<1, 3, 1>}, {3, 1, 1, &LaunchFusedReduceConvTile<3, 1, 1>},
};

// The shipped variant for a window, or null.
inline const FusedReduceConvVariant* FindFusedReduceConvVariant(const Window2d& w) {
  if (w.stride_h != w.stride_w) return nullptr;
  for (const FusedReduceConvVariant& v : kFusedReduceConvVariants)
    if (v.kernel_h == w.kernel_h && v.kernel_w == w.kernel_w && v.stride == w.stride_h) return &v;
  return nullptr;
}

// Returns false (and why) for a window we do not ship or a grouped conv; the planner then
// keeps the unfused pair.
inline bool SupportsFusedReduceConv(const FusedReduceConvAttrs& a, std::string* why = nullptr) {
  const Window2d& w = a.conv.window;
  auto no = [&](const std::string& reason) {
    if (why) *why = reason;
    return false;
  };
  if (!FindFusedReduceConvVariant(w))
    return no("window " + std::to_string(w.kernel_h) + "x" + std::to_string(w.kernel_w) +
              " stride " + std::to_string(w.stride_h) + "x" + std::to_string(w.stride_w) +
              " not shipped (square 1, 3, 5, 7 with stride 1 or 2; 1x7, 7x1, 1x3, 3x1 with "
              "stride 1)");
  if (a.conv.groups != 1) return no("grouped conv");
  return true;
}

// Dynamic shared memory one launch of the default tile needs (bytes), for the planner.
inline size_t FusedReduceConvSharedBytes(const FusedReduceConvAttrs& a) {
  using Any = DefaultFusedReduceConvTile<1, 1, 1>;  // tile sizes do not depend on K and S
  const Window2d& w = a.conv.window;
  const size_t halo = static_cast<size_t>((Any::kTH - 1) * w.stride_h + w.kernel_h) *
                      ((Any::kTW - 1) * w.stride_w + w.kernel_w);
  return (static_cast<size_t>(a.reduce_channels) + Any::kInChunk) * halo * sizeof(float);
}

// in: (N, Cin, H, W); reduce_weight [R][Cin]; reduce_bias [R]; weight [Cout][R][KH][KW];
// bias [Cout] or null; out: (N, Cout, OH, OW), possibly a channel slice.
inline void LaunchFusedReduceConv(const ConstTensorRef& in, const float* reduce_weight,
                                  const float* reduce_bias, const float* weight, const float* bias,
                                  const FusedReduceConvAttrs& a, const TensorRef& out,
                                  Stream stream) {
  const char* op = "FusedReduceConv";
  RequireTensor(op, "input", in);
  RequireTensor(op, "output", out);
  RequirePointer(op, "reduce_weight", reduce_weight);
  RequirePointer(op, "reduce_bias", reduce_bias);
  RequirePointer(op, "weight", weight);
  std::string why;
  if (!SupportsFusedReduceConv(a, &why)) Fail(op, "unsupported configuration: " + why);
  const Window2d& w = a.conv.window;
  if (w.pad_top < 0 || w.pad_left < 0 || w.pad_bottom < 0 || w.pad_right < 0)
    Fail(op, "negative padding");
  if (a.reduce_channels < 1) Fail(op, "reduce_channels must be >= 1");
  if (a.in_channels != 0 && a.in_channels != in.shape.c)
    Fail(op, "in_channels " + std::to_string(a.in_channels) + " != input channels " +
                 std::to_string(in.shape.c));
  const Shape want{
      in.shape.n, a.conv.out_channels,
      WindowOutputSize(in.shape.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, false),
      WindowOutputSize(in.shape.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, false)};
  RequireShape(op, "output", out.shape, want);
  if (in.shape.n > 65535) Fail(op, "batch > 65535");

  FusedReduceConvParams p{};
  p.in = in.data;
  p.in_batch_stride = in.batch_stride;
  p.in_c = static_cast<int>(in.shape.c);
  p.in_h = static_cast<int>(in.shape.h);
  p.in_w = static_cast<int>(in.shape.w);
  p.reduce_weight = reduce_weight;
  p.reduce_bias = reduce_bias;
  p.weight = weight;
  p.bias = bias;
  p.reduce_c = a.reduce_channels;
  p.out_c = static_cast<int>(out.shape.c);
  p.out_h = static_cast<int>(out.shape.h);
  p.out_w = static_cast<int>(out.shape.w);
  p.out = out.data;
  p.out_batch_stride = out.batch_stride;
  p.pad_top = w.pad_top;
  p.pad_left = w.pad_left;
  p.activation = a.conv.activation;
  const int n = static_cast<int>(in.shape.n);
  FindFusedReduceConvVariant(w)->launch(p, n, stream);  // supported: checked above
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

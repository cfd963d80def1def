// The fused reduce convolution on tensor cores (docs/design.md §4), NHWC, fp16 or bf16 inputs
// and weights, fp32 accumulation:
//
//   z[y,x,r]      = inside(y,x) ? relu(b1[r] + sum_ci x[y,x,ci] W1[r,ci]) : 0   (stored as T)
//   out[oy,ox,co] = act(b2[co] + sum_{ky,kx,r} z[oy-pt+ky, ox-pl+kx, r] W2[co,ky,kx,r])
//
// z is the 1x1 reduce + ReLU; the KxK conv's zero padding applies to z, so outside the image
// z is 0, not relu(b1). z never leaves shared memory. One block: one image, a kTileH x 8
// output tile, and `cout_per_block` output channels (grid: x = tiles, y = channel chunks,
// z = images). Two GEMMs per block, on WMMA fragments (T inputs, fp32 accumulators):
//
//   stage 1 (16x16x16):  M = halo pixels (kHaloH x kHaloW, flattened, padded to 16),
//                        N = Crp (reduce channels padded to 16), K = Cinp (input channels
//                        padded to 16). A = the input halo, staged in shared memory
//                        kCinChunk channels at a time (0 outside the image and past Cin);
//                        B = W1 from global memory; C accumulates in shared memory (fp32),
//                        then the epilogue writes z = inside ? relu(C + b1) : 0 as T.
//   stage 2 (8x32x16):   M = 8 output pixels of one tile row (kTileH rows), N = 32 output
//                        channels, K = K*K*Crp (implicit GEMM: A for tap (ky,kx) is the 8
//                        halo pixels of row oy+ky starting at column kx, read in place from z
//                        with leading dimension Crp). B = W2 from global memory. The epilogue
//                        adds b2, applies the activation, rounds to T and writes into the
//                        output, which may be a channel slice of an NHWC concat buffer
//                        (pixel stride = the buffer's channels, channel offset).
//
// Weights, prepared once (cuda/kernels/fused_reduce_conv_tc_pack.h): W1 as [Crp][Cinp],
// W2 as [Coutp][K][K][Crp] (OHWI), zero padded (Coutp: a multiple of kCoutPass); biases
// fp32, unpadded. Recomputing z for each channel chunk trades stage-1 work for parallelism
// at small batch: cout_per_block = Coutp computes z once per tile.
//
// Shared memory (bytes, each region 128-aligned): z T[kM1][Crp] + C fp32[kM1][Crp] +
// x T[kM1][kCinChunk] + per-warp epilogue scratch fp32[kWarps][8*32]; kM1 = 112 (3x3) or
// 144 (5x5) with 8-row tiles, 64 or 96 with 4-row tiles. Stride 1 only.
#pragma once

#include <string>

#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"
#include "cuda/kernels/tc_types.cuh"
#include "graph/op.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

template <typename T>
struct FusedReduceConvTcParams {
  const T* in;              // NHWC: pixel (n,y,x) at in + ((n*H + y)*W + x) * in_pixel_stride
  int64_t in_pixel_stride;  // >= in_c
  int in_c, in_h, in_w, in_c_padded;
  const T* reduce_weight;    // [reduce_c_padded][in_c_padded]
  const float* reduce_bias;  // [reduce_c]
  const T* weight;           // [out_c_padded][K][K][reduce_c_padded]
  const float* bias;         // [out_c] or null
  int reduce_c, reduce_c_padded, out_c, out_c_padded;
  T* out;                    // NHWC slice: channel co of pixel p at out + p*out_pixel_stride + co
  int64_t out_pixel_stride;  // the concat buffer's channels; out already offset to the slice
  int out_h, out_w;
  int pad_top, pad_left;
  int tiles_w;         // output tiles per row; blockIdx.x = tile_y * tiles_w + tile_x
  int cout_per_block;  // a multiple of kCoutPass
  bool vector_loads;   // in_c and in_pixel_stride multiples of 8, in 16-byte aligned
  Activation activation;
};

constexpr int kTcWarpSize = 32;

// The compile-time shape of one block's work.
template <int kKernel, int kTileHArg = 8, int kWarpsArg = 8, int kCinChunkArg = 32,
          int kCoutPassArg = 64>
struct FusedReduceConvTcTile {
  static_assert(kKernel >= 1 && kKernel <= 7, "kernel size 1..7");
  static_assert(kCinChunkArg % 16 == 0 && kCinChunkArg >= 16, "input chunk: whole k-steps of 16");
  static_assert(kCoutPassArg % 32 == 0, "output channels per pass: whole 32-wide fragments");
  static_assert((kTileHArg * (kCoutPassArg / 32)) % kWarpsArg == 0,
                "stage-2 fragments (tile rows x 32-channel groups) must split evenly over warps");
  static_assert(kWarpsArg * kTcWarpSize <= 1024, "at most 1024 threads");

  static constexpr int kK = kKernel;
  static constexpr int kTileH = kTileHArg;
  static constexpr int kTileW = 8;  // one 8-row stage-2 fragment = one tile row
  static constexpr int kWarps = kWarpsArg;
  static constexpr int kThreads = kWarps * kTcWarpSize;
  static constexpr int kCinChunk = kCinChunkArg;
  static constexpr int kCoutPass = kCoutPassArg;
  static constexpr int kHaloH = kTileH + kKernel - 1;
  static constexpr int kHaloW = kTileW + kKernel - 1;
  static constexpr int kHaloPixels = kHaloH * kHaloW;
  static constexpr int kM1 = (kHaloPixels + 15) / 16 * 16;
  static constexpr int kM1Tiles = kM1 / 16;
  static constexpr int kGroups2 = kCoutPass / 32;  // 32-channel fragments per pass
  static constexpr int kFrags2PerWarp = kTileH * kGroups2 / kWarps;
  static constexpr int kScratchFloats = 8 * 32;

  __host__ __device__ static constexpr size_t Align(size_t bytes) {
    return (bytes + 127) / 128 * 128;
  }
  __host__ __device__ static constexpr size_t ZBytes(int crp) {
    return Align(size_t{kM1} * crp * 2);
  }
  __host__ __device__ static constexpr size_t AccBytes(int crp) {
    return Align(size_t{kM1} * crp * sizeof(float));
  }
  __host__ __device__ static constexpr size_t XBytes() {
    return Align(size_t{kM1} * kCinChunk * 2);
  }
  __host__ __device__ static constexpr size_t ScratchBytes() {
    return size_t{kWarps} * kScratchFloats * sizeof(float);
  }
  __host__ __device__ static constexpr size_t SharedBytes(int crp) {
    return ZBytes(crp) + AccBytes(crp) + XBytes() + ScratchBytes();
  }
};

// The most dynamic shared memory one block may use (an H100/H200's opt-in limit).
constexpr size_t kTcMaxSharedBytes = 227 * 1024;

template <typename Tile, typename T>
__global__ void __launch_bounds__(Tile::kThreads)
    FusedReduceConvTcKernel(FusedReduceConvTcParams<T> p) {
  namespace wmma = nvcuda::wmma;
  constexpr int kK = Tile::kK, kHaloW = Tile::kHaloW, kM1 = Tile::kM1;
  constexpr int kCinChunk = Tile::kCinChunk, kThreads = Tile::kThreads;
  INCEPT_DYNAMIC_SHARED(unsigned char, shared_bytes);
  const int crp = p.reduce_c_padded;
  T* z = reinterpret_cast<T*>(shared_bytes);                                 // [kM1][crp]
  float* acc1 = reinterpret_cast<float*>(shared_bytes + Tile::ZBytes(crp));  // [kM1][crp]
  T* xs = reinterpret_cast<T*>(shared_bytes + Tile::ZBytes(crp) + Tile::AccBytes(crp));
  float* scratch = reinterpret_cast<float*>(shared_bytes + Tile::ZBytes(crp) + Tile::AccBytes(crp) +
                                            Tile::XBytes());

  const int t = threadIdx.x, warp = t / kTcWarpSize, lane = t % kTcWarpSize;
  const int img = blockIdx.z;
  const int oy0 = (blockIdx.x / p.tiles_w) * Tile::kTileH;
  const int ox0 = (blockIdx.x % p.tiles_w) * Tile::kTileW;
  const int iy0 = oy0 - p.pad_top, ix0 = ox0 - p.pad_left;  // the halo's top-left pixel
  const T* x = p.in + static_cast<int64_t>(img) * p.in_h * p.in_w * p.in_pixel_stride;
  const T zero = TcFromFloat<T>(0.0f);

  // ---- stage 1: acc1 = X W1^T over the halo, input channels kCinChunk at a time ----
  const int n_tiles1 = crp / 16;
  for (int c0 = 0; c0 < p.in_c_padded; c0 += kCinChunk) {
    // Stage x[halo pixel q][c0 + j] (0 outside the image and past Cin), 8 channels per step.
    for (int e = t; e < kM1 * (kCinChunk / 8); e += kThreads) {
      const int q = e / (kCinChunk / 8), j = (e % (kCinChunk / 8)) * 8;
      const int iy = iy0 + q / kHaloW, ix = ix0 + q % kHaloW;
      const bool pixel_inside =
          q < Tile::kHaloPixels && iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
      T* dst = xs + q * kCinChunk + j;
      const T* src = x + (static_cast<int64_t>(iy) * p.in_w + ix) * p.in_pixel_stride + c0 + j;
      if (pixel_inside && p.vector_loads && c0 + j + 8 <= p.in_c) {
        *reinterpret_cast<uint4*>(dst) = *reinterpret_cast<const uint4*>(src);
      } else {
        INCEPT_UNROLL
        for (int i = 0; i < 8; ++i) dst[i] = pixel_inside && c0 + j + i < p.in_c ? src[i] : zero;
      }
    }
    __syncthreads();
    const int k_steps = IMin(kCinChunk, p.in_c_padded - c0) / 16;
    for (int job = warp; job < Tile::kM1Tiles * n_tiles1; job += Tile::kWarps) {
      const int mt = job / n_tiles1, nt = job % n_tiles1;
      float* c_tile = acc1 + mt * 16 * crp + nt * 16;
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> c;
      if (c0 == 0) {
        wmma::fill_fragment(c, 0.0f);
      } else {
        wmma::load_matrix_sync(c, c_tile, crp, wmma::mem_row_major);
      }
      for (int ks = 0; ks < k_steps; ++ks) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::col_major> b;
        wmma::load_matrix_sync(a, xs + mt * 16 * kCinChunk + ks * 16, kCinChunk);
        wmma::load_matrix_sync(
            b, p.reduce_weight + static_cast<int64_t>(nt) * 16 * p.in_c_padded + c0 + ks * 16,
            p.in_c_padded);
        wmma::mma_sync(c, a, b, c);
      }
      wmma::store_matrix_sync(c_tile, c, crp, wmma::mem_row_major);
    }
    __syncthreads();
  }
  // Epilogue 1: z = relu(acc1 + b1) inside the image, 0 outside it and past Cr.
  for (int e = t; e < kM1 * crp; e += kThreads) {
    const int q = e / crp, r = e % crp;
    const int iy = iy0 + q / kHaloW, ix = ix0 + q % kHaloW;
    const bool inside =
        q < Tile::kHaloPixels && r < p.reduce_c && iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
    z[e] = inside ? TcFromFloat<T>(fmaxf(acc1[e] + __ldg(p.reduce_bias + r), 0.0f)) : zero;
  }
  __syncthreads();

  // ---- stage 2: the KxK conv of z, kCoutPass output channels per pass ----
  const int64_t w2_co_stride = static_cast<int64_t>(kK) * kK * crp;
  const int co_begin = blockIdx.y * p.cout_per_block;
  const int co_end = IMin(co_begin + p.cout_per_block, p.out_c_padded);
  float* my_scratch = scratch + warp * Tile::kScratchFloats;
  for (int co_pass = co_begin; co_pass < co_end; co_pass += Tile::kCoutPass) {
    wmma::fragment<wmma::accumulator, 8, 32, 16, float> c[Tile::kFrags2PerWarp];
    INCEPT_UNROLL
    for (int i = 0; i < Tile::kFrags2PerWarp; ++i) wmma::fill_fragment(c[i], 0.0f);
    for (int ky = 0; ky < kK; ++ky) {
      for (int kx = 0; kx < kK; ++kx) {
        for (int r0 = 0; r0 < crp; r0 += 16) {
          INCEPT_UNROLL
          for (int i = 0; i < Tile::kFrags2PerWarp; ++i) {
            const int job = warp + i * Tile::kWarps;
            const int row = job / Tile::kGroups2, group = job % Tile::kGroups2;
            wmma::fragment<wmma::matrix_a, 8, 32, 16, T, wmma::row_major> a;
            wmma::fragment<wmma::matrix_b, 8, 32, 16, T, wmma::col_major> b;
            wmma::load_matrix_sync(a, z + ((row + ky) * kHaloW + kx) * crp + r0, crp);
            wmma::load_matrix_sync(
                b, p.weight + (co_pass + group * 32) * w2_co_stride + (ky * kK + kx) * crp + r0,
                static_cast<unsigned>(w2_co_stride));
            wmma::mma_sync(c[i], a, b, c[i]);
          }
        }
      }
    }
    // Epilogue 2: act(acc + b2) as T into the output slice, through the warp's scratch.
    INCEPT_UNROLL
    for (int i = 0; i < Tile::kFrags2PerWarp; ++i) {
      const int job = warp + i * Tile::kWarps;
      const int row = job / Tile::kGroups2, group = job % Tile::kGroups2;
      wmma::store_matrix_sync(my_scratch, c[i], 32, wmma::mem_row_major);
      __syncwarp();
      const int oy = oy0 + row;
      for (int e = lane; e < Tile::kScratchFloats; e += kTcWarpSize) {
        const int px = e / 32, co = co_pass + group * 32 + e % 32;
        const int ox = ox0 + px;
        if (oy >= p.out_h || ox >= p.out_w || co >= p.out_c) continue;
        float v = my_scratch[e] + (p.bias ? __ldg(p.bias + co) : 0.0f);
        if (p.activation == Activation::kReLU) v = fmaxf(v, 0.0f);
        const int64_t pixel = (static_cast<int64_t>(img) * p.out_h + oy) * p.out_w + ox;
        p.out[pixel * p.out_pixel_stride + co] = TcFromFloat<T>(v);
      }
      __syncwarp();
    }
  }
}

// What ships: 3x3 and 5x5 kernels, stride 1, 8x8 or 4x8 output tiles, 8 warps, fp16 and bf16.
// A 4-row tile doubles the blocks of a small map (batch 1) at the cost of a larger halo share.

// Dynamic shared memory of one block (bytes), 0 for an unsupported kernel size or tile height.
inline size_t FusedReduceConvTcSharedBytes(const FusedReduceConvAttrs& a, int tile_h = 8) {
  const int crp = RoundUpTo(a.reduce_channels, kTcChannelAlign);
  const int k = a.conv.window.kernel_h;
  if (tile_h == 8 && k == 3) return FusedReduceConvTcTile<3, 8>::SharedBytes(crp);
  if (tile_h == 8 && k == 5) return FusedReduceConvTcTile<5, 8>::SharedBytes(crp);
  if (tile_h == 4 && k == 3) return FusedReduceConvTcTile<3, 4>::SharedBytes(crp);
  if (tile_h == 4 && k == 5) return FusedReduceConvTcTile<5, 4>::SharedBytes(crp);
  return 0;
}

// The capability query (planner, tactics, tests): false, and why, for what no kernel takes.
inline bool SupportsFusedReduceConvTc(const FusedReduceConvAttrs& a, std::string* why = nullptr) {
  const Window2d& w = a.conv.window;
  auto no = [&](const std::string& reason) {
    if (why) *why = reason;
    return false;
  };
  if (w.kernel_h != w.kernel_w) return no("non-square kernel");
  if (w.kernel_h != 3 && w.kernel_h != 5) return no("kernel size not 3 or 5");
  if (w.stride_h != 1 || w.stride_w != 1) return no("stride not 1");
  if (w.pad_top < 0 || w.pad_left < 0 || w.pad_bottom < 0 || w.pad_right < 0)
    return no("negative padding");
  if (a.conv.groups != 1) return no("grouped conv");
  if (a.reduce_channels < 1) return no("reduce_channels < 1");
  const size_t bytes = FusedReduceConvTcSharedBytes(a, 4);  // the smaller tile
  if (bytes > kTcMaxSharedBytes)
    return no("insufficient shared memory: " + std::to_string(bytes) + " bytes for " +
              std::to_string(a.reduce_channels) + " reduce channels, " +
              std::to_string(kTcMaxSharedBytes) +
              " available even with 4-row tiles; use the unfused pair");
  return true;
}

template <int kKernel, int kTileH, typename T>
void LaunchFusedReduceConvTcTile(FusedReduceConvTcParams<T> p, int n, Stream stream) {
  using Tile = FusedReduceConvTcTile<kKernel, kTileH>;
  if (Tile::SharedBytes(p.reduce_c_padded) > kTcMaxSharedBytes)
    Fail("FusedReduceConvTc",
         "insufficient shared memory: " + std::to_string(Tile::SharedBytes(p.reduce_c_padded)) +
             " bytes for " + std::to_string(p.reduce_c) + " reduce channels with " +
             std::to_string(kTileH) + "-row tiles; use tile_h 4 or the unfused pair");
  p.tiles_w = static_cast<int>(CeilDiv(p.out_w, Tile::kTileW));
  const int64_t tiles = CeilDiv(p.out_h, Tile::kTileH) * p.tiles_w;
  if (tiles > 0x7fffffff) Fail("FusedReduceConvTc", "output too large for one launch");
  const int chunks = static_cast<int>(CeilDiv(p.out_c_padded, p.cout_per_block));
  const dim3 grid(static_cast<unsigned>(tiles), static_cast<unsigned>(chunks),
                  static_cast<unsigned>(n));
  Launch("FusedReduceConvTcKernel", &FusedReduceConvTcKernel<Tile, T>, grid, dim3(Tile::kThreads),
         Tile::SharedBytes(p.reduce_c_padded), stream, p);
}

template <typename T>
void LaunchFusedReduceConvTcTyped(const FusedReduceConvTcArgs& args, Stream stream) {
  const FusedReduceConvAttrs& a = args.attrs;
  const Window2d& w = a.conv.window;
  FusedReduceConvTcParams<T> p{};
  p.in = static_cast<const T*>(args.in);
  p.in_c = static_cast<int>(args.in_shape.c);
  p.in_h = static_cast<int>(args.in_shape.h);
  p.in_w = static_cast<int>(args.in_shape.w);
  p.in_pixel_stride = args.in_pixel_stride ? args.in_pixel_stride : args.in_shape.c;
  p.in_c_padded = RoundUpTo(p.in_c, kTcChannelAlign);
  p.reduce_weight = static_cast<const T*>(args.reduce_weight);
  p.reduce_bias = args.reduce_bias;
  p.weight = static_cast<const T*>(args.weight);
  p.bias = args.bias;
  p.reduce_c = a.reduce_channels;
  p.reduce_c_padded = RoundUpTo(a.reduce_channels, kTcChannelAlign);
  p.out_c = static_cast<int>(args.out_shape.c);
  p.out_c_padded = RoundUpTo(p.out_c, kTcCoutPass);
  p.out_pixel_stride = args.out_pixel_stride ? args.out_pixel_stride : args.out_shape.c;
  p.out = static_cast<T*>(args.out) + args.out_channel_offset;
  p.out_h = static_cast<int>(args.out_shape.h);
  p.out_w = static_cast<int>(args.out_shape.w);
  p.pad_top = w.pad_top;
  p.pad_left = w.pad_left;
  p.cout_per_block = args.cout_per_block > 0
                         ? IMin(RoundUpTo(args.cout_per_block, kTcCoutPass), p.out_c_padded)
                         : p.out_c_padded;
  p.vector_loads = p.in_c % 8 == 0 && p.in_pixel_stride % 8 == 0 &&
                   reinterpret_cast<uintptr_t>(args.in) % 16 == 0;
  p.activation = a.conv.activation;
  const int n = static_cast<int>(args.in_shape.n);
  const bool short_tile = args.tile_h == 4;
  if (w.kernel_h == 3)
    return short_tile ? LaunchFusedReduceConvTcTile<3, 4, T>(p, n, stream)
                      : LaunchFusedReduceConvTcTile<3, 8, T>(p, n, stream);
  return short_tile ? LaunchFusedReduceConvTcTile<5, 4, T>(p, n, stream)
                    : LaunchFusedReduceConvTcTile<5, 8, T>(p, n, stream);
}

// Checks the arguments (incept::Error naming what is wrong) and launches on `stream`.
inline void LaunchFusedReduceConvTc(const FusedReduceConvTcArgs& args, Stream stream) {
  const char* op = "FusedReduceConvTc";
  const FusedReduceConvAttrs& a = args.attrs;
  const Window2d& w = a.conv.window;
  std::string why;
  if (!SupportsFusedReduceConvTc(a, &why)) Fail(op, "unsupported configuration: " + why);
  RequirePointer(op, "input", args.in);
  RequirePointer(op, "output", args.out);
  RequirePointer(op, "reduce_weight", args.reduce_weight);
  RequirePointer(op, "reduce_bias", args.reduce_bias);
  RequirePointer(op, "weight", args.weight);
  for (const void* w : {args.reduce_weight, args.weight})
    if (reinterpret_cast<uintptr_t>(w) % 32 != 0)
      Fail(op, "packed weights must be 32-byte aligned (tensor-core fragment loads)");
  const Shape& in = args.in_shape;
  for (int64_t d : {in.n, in.c, in.h, in.w})
    if (d < 1 || d > 0x7fffffff) Fail(op, "input has an invalid shape " + in.str());
  if (a.in_channels != 0 && a.in_channels != in.c)
    Fail(op, "in_channels " + std::to_string(a.in_channels) + " != input channels " +
                 std::to_string(in.c));
  if (a.conv.in_channels != 0 && a.conv.in_channels != a.reduce_channels)
    Fail(op, "conv in_channels " + std::to_string(a.conv.in_channels) + " != reduce_channels " +
                 std::to_string(a.reduce_channels));
  const Shape want{in.n, a.conv.out_channels,
                   WindowOutputSize(in.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, false),
                   WindowOutputSize(in.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, false)};
  RequireShape(op, "output", args.out_shape, want);
  if (want.h < 1 || want.w < 1) Fail(op, "empty output " + want.str());
  if (args.in_pixel_stride != 0 && args.in_pixel_stride < in.c)
    Fail(op, "input pixel stride " + std::to_string(args.in_pixel_stride) + " < channels " +
                 std::to_string(in.c));
  const int64_t out_stride = args.out_pixel_stride ? args.out_pixel_stride : want.c;
  if (args.out_channel_offset < 0 || args.out_channel_offset + want.c > out_stride)
    Fail(op, "output slice [" + std::to_string(args.out_channel_offset) + ", " +
                 std::to_string(args.out_channel_offset + want.c) + ") outside a pixel of " +
                 std::to_string(out_stride) + " channels");
  if (in.n > 65535) Fail(op, "batch > 65535");
  if (args.tile_h != 0 && args.tile_h != 4 && args.tile_h != 8)
    Fail(op, "tile_h " + std::to_string(args.tile_h) + " (must be 0, 4 or 8)");
  if (args.element == TcElement::kHalf) return LaunchFusedReduceConvTcTyped<__half>(args, stream);
  return LaunchFusedReduceConvTcTyped<__nv_bfloat16>(args, stream);
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

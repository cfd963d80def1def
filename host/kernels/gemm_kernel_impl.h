// The packing routines and the register-blocked micro-kernel of Sgemm, as templates on the
// tile shape and a GCC vector type V (vector_size 16, 32 or 64 bytes). Each
// gemm_kernel_<isa>.cc includes this after `#pragma GCC target(...)`, so the same source
// compiles into one kernel per instruction set. Everything is in an anonymous namespace:
// every including file gets its own copy, never merged with another file's by the linker.
//
// Micro-kernel: acc[MR][NV] (NV vectors of VW floats per row, NR = NV * VW) is
// acc += a_panel[k][i] (broadcast) * b_panel[k][0..NR) for k in [0, kc); the compiler
// keeps acc in registers and emits one FMA per (i, v). Only std-free code lives here, so
// no library function is instantiated under the target pragma.
#pragma once

#include <cstdint>

#include "host/kernels/gemm_kernels.h"

namespace incept {
namespace {

template <typename T>
inline T MinOf(T a, T b) {
  return a < b ? a : b;
}

template <int MR, int NV, typename V>
struct GemmTiles {
  static constexpr int kVw = static_cast<int>(sizeof(V) / sizeof(float));
  static constexpr int kNr = NV * kVw;

  static V LoadU(const float* p) {
    V v;
    __builtin_memcpy(&v, p, sizeof(V));
    return v;
  }
  static void StoreU(float* p, V v) { __builtin_memcpy(p, &v, sizeof(V)); }

  // Rows [i0, i0 + rows) x k [k0, k0 + kc) of A into panels of MR rows, k-major; rows past
  // the end are zero.
  static void PackA(const GemmMatrix& a, int64_t i0, int64_t rows, int64_t k0, int64_t kc,
                    float* dst) {
    for (int64_t ir = 0; ir < rows; ir += MR) {
      float* panel = dst + ir * kc;
      const int64_t valid = MinOf<int64_t>(MR, rows - ir);
      for (int64_t i = 0; i < MR; ++i) {
        if (i >= valid) {
          for (int64_t k = 0; k < kc; ++k) panel[k * MR + i] = 0.0f;
          continue;
        }
        const float* src = a.data + (i0 + ir + i) * a.row_stride + k0 * a.col_stride;
        for (int64_t k = 0; k < kc; ++k) panel[k * MR + i] = src[k * a.col_stride];
      }
    }
  }

  // k [k0, k0 + kc) x columns [j0, j0 + cols) of B into panels of NR columns, k-major;
  // columns past the end are zero.
  static void PackB(const GemmMatrix& b, int64_t k0, int64_t kc, int64_t j0, int64_t cols,
                    float* dst) {
    for (int64_t jr = 0; jr < cols; jr += kNr) {
      float* panel = dst + jr * kc;
      const int64_t valid = MinOf<int64_t>(kNr, cols - jr);
      const float* src = b.data + k0 * b.row_stride + (j0 + jr) * b.col_stride;
      if (valid == kNr && b.col_stride == 1) {
        for (int64_t k = 0; k < kc; ++k) {
          for (int v = 0; v < NV; ++v)
            StoreU(panel + k * kNr + v * kVw, LoadU(src + k * b.row_stride + v * kVw));
        }
        continue;
      }
      for (int64_t k = 0; k < kc; ++k) {
        for (int64_t j = 0; j < kNr; ++j)
          panel[k * kNr + j] = j < valid ? src[k * b.row_stride + j * b.col_stride] : 0.0f;
      }
    }
  }

  // One MR x NR tile: multiplies the packed panels and merges into C at (i0, j0).
  // first: C is overwritten rather than accumulated; last: apply biases and activation.
  static void Tile(const GemmProblem& p, int64_t kc, const float* pa, const float* pb, int64_t i0,
                   int64_t j0, int rows, int cols, bool first, bool last) {
    V acc[MR][NV];
    for (int i = 0; i < MR; ++i)
      for (int v = 0; v < NV; ++v) acc[i][v] = V{};
    for (int64_t k = 0; k < kc; ++k) {
      V bv[NV];
      for (int v = 0; v < NV; ++v) bv[v] = *reinterpret_cast<const V*>(pb + k * kNr + v * kVw);
      for (int i = 0; i < MR; ++i) {
        const float av = pa[k * MR + i];
        for (int v = 0; v < NV; ++v) acc[i][v] += av * bv[v];
      }
    }
    const GemmEpilogue& e = p.epilogue;
    const bool relu = last && e.activation == Activation::kReLU;
    if (rows == MR && cols == kNr && p.c.col_stride == 1) {
      for (int i = 0; i < MR; ++i) {
        float* c_row = p.c.data + (i0 + i) * p.c.row_stride + j0;
        const float row_bias = (last && e.row_bias) ? e.row_bias[i0 + i] : 0.0f;
        for (int v = 0; v < NV; ++v) {
          V x = acc[i][v];
          if (!first) x += LoadU(c_row + v * kVw);
          if (last) {
            x += row_bias;
            if (e.col_bias) x += LoadU(e.col_bias + j0 + v * kVw);
            if (relu) x = x < V{} ? V{} : x;  // NaN stays NaN
          }
          StoreU(c_row + v * kVw, x);
        }
      }
      return;
    }
    float tile[MR * kNr];
    for (int i = 0; i < MR; ++i)
      for (int v = 0; v < NV; ++v) StoreU(tile + i * kNr + v * kVw, acc[i][v]);
    for (int i = 0; i < rows; ++i) {
      for (int j = 0; j < cols; ++j) {
        float& c = p.c.data[(i0 + i) * p.c.row_stride + (j0 + j) * p.c.col_stride];
        float x = tile[i * kNr + j];
        if (!first) x += c;
        if (last) {
          if (e.row_bias) x += e.row_bias[i0 + i];
          if (e.col_bias) x += e.col_bias[j0 + j];
          if (relu && x < 0.0f) x = 0.0f;
        }
        c = x;
      }
    }
  }

  // The task's rectangle: for each KC slice, pack its B block once, then for each MC block
  // of rows pack A and sweep the register tiles (B micro-panel outer, so it stays in L1).
  static void Run(const GemmProblem& p, const GemmTask& t, int64_t mc_block, int64_t kc_block,
                  float* packed_a, float* packed_b) {
    const int64_t cols = t.j_end - t.j_begin;
    for (int64_t k0 = 0; k0 < p.k; k0 += kc_block) {
      const int64_t kc = MinOf(kc_block, p.k - k0);
      const bool first = k0 == 0, last = k0 + kc >= p.k;
      PackB(p.b, k0, kc, t.j_begin, cols, packed_b);
      for (int64_t i0 = t.i_begin; i0 < t.i_end; i0 += mc_block) {
        const int64_t rows = MinOf(mc_block, t.i_end - i0);
        PackA(p.a, i0, rows, k0, kc, packed_a);
        for (int64_t jr = 0; jr < cols; jr += kNr) {
          const int col_count = static_cast<int>(MinOf<int64_t>(kNr, cols - jr));
          for (int64_t ir = 0; ir < rows; ir += MR) {
            const int row_count = static_cast<int>(MinOf<int64_t>(MR, rows - ir));
            Tile(p, kc, packed_a + ir * kc, packed_b + jr * kc, i0 + ir, t.j_begin + jr, row_count,
                 col_count, first, last);
          }
        }
      }
    }
  }
};

// A GemmKernel running GemmTiles<MR, NV, V> with the given blocking.
template <int MR, int NV, typename V, int64_t MC, int64_t KC, int64_t NC>
struct GemmKernelOf {
  static_assert(MC % MR == 0, "MC must be a multiple of MR");
  using Tiles = GemmTiles<MR, NV, V>;
  static_assert(NC % Tiles::kNr == 0, "NC must be a multiple of NR");
  static void Run(const GemmProblem& p, const GemmTask& t, float* packed_a, float* packed_b) {
    Tiles::Run(p, t, MC, KC, packed_a, packed_b);
  }
  static constexpr GemmKernel Make(const char* name) {
    return GemmKernel{name, MR, Tiles::kNr, MC, KC, NC, &Run};
  }
};

}  // namespace
}  // namespace incept

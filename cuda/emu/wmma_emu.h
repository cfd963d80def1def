// Emulation of CUDA's 16-bit float types and the warp matrix API (nvcuda::wmma) for kernels
// compiled by the host compiler through cuda/emu/emu.h.
//
//   __half, __nv_bfloat16   16-bit storage; __float2half_rn / __float2bfloat16_rn round to
//                           nearest even (graph/float16.h), the reverse is exact
//   wmma::fragment          every thread's fragment holds the WHOLE tile (rows x cols, as
//                           fp32 values of the fragment's type), not one lane's share
//   load/store/fill/mma     warp-collective: every lane of the warp must make the same calls
//                           with the same arguments, in the same order
//
// The warp: threads are numbered x + y*bx + z*bx*by, lanes 32 at a time (as on a GPU). Lane
// 0 of a warp runs before its other lanes (cuda/emu/emu.h), so it records each collective
// call (its kind, pointer, leading dimension, layout) in a per-warp log, with the tile it
// loaded or computed. Every other lane checks its call against the log (same kind, same
// arguments) and takes lane 0's tile instead of reading memory or recomputing. That is the
// warp's semantics: a collective load reads memory once, for the whole warp, at lane 0's
// turn, so a warp may load a tile, update it and store it back in place (lanes running one
// after another would otherwise read lane 0's store); every lane's store writes the same
// values. It also costs about one lane's work per warp. At the end of every block each lane
// must have made as many collective calls as lane 0. A mismatch throws incept::Error naming
// the warp, the lane and the call; the launch fails.
//
// mma_sync computes D = A*B + C with fp32 products of the (exactly widened) 16-bit inputs
// and fp32 accumulation over k in order; tensor cores accumulate in fp32 in another order, so
// results agree to fp32 rounding, not bit for bit. Shapes: m16n16k16, m8n32k16, m32n8k16 for
// __half and __nv_bfloat16 inputs, float accumulators. load/store check what the hardware
// requires: a 32-byte aligned pointer and a leading dimension that is a multiple of 16 bytes.
// __syncwarp() is a no-op: lanes run one after another, and each holds the whole tile.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "cuda/emu/emu.h"
#include "graph/float16.h"

// ---- 16-bit float types -------------------------------------------------------------------
struct __half {
  uint16_t bits = 0;
};
struct __nv_bfloat16 {
  uint16_t bits = 0;
};

inline __half __float2half_rn(float f) { return __half{incept::FloatToHalfBits(f)}; }
inline __half __float2half(float f) { return __float2half_rn(f); }
inline float __half2float(__half h) { return incept::HalfBitsToFloat(h.bits); }
inline __nv_bfloat16 __float2bfloat16_rn(float f) {
  return __nv_bfloat16{incept::FloatToBFloat16Bits(f)};
}
inline __nv_bfloat16 __float2bfloat16(float f) { return __float2bfloat16_rn(f); }
inline float __bfloat162float(__nv_bfloat16 b) { return incept::BFloat16BitsToFloat(b.bits); }

inline void __syncwarp(unsigned /*mask*/ = 0xffffffffu) {}

// CUDA's 16-byte vector type, for 128-bit copies.
struct alignas(16) uint4 {
  unsigned x, y, z, w;
};

namespace incept {
namespace emu {
namespace warp {

enum class CallKind { kLoad, kStore, kFill, kMma };

// The warp-collective bookkeeping (cuda/emu/wmma_emu.cc). Lane 0: appends the call to its
// warp's log and returns nullptr. Other lanes: check the call against lane 0's and return
// the tile lane 0 published for it (loads, mma_sync), else nullptr. `operands`: the fill
// value's bits (fill_fragment), else 0.
const float* Collective(CallKind kind, const void* pointer, unsigned ldm, int layout,
                        uint64_t operands);
// Lane 0 only: the tile of its last load or mma call, for the other lanes (count floats).
void PublishResult(const float* result, int count);

// Throws incept::Error: "wmma <call>: <what>".
[[noreturn]] void Fail(const char* call, const char* what);

}  // namespace warp
}  // namespace emu
}  // namespace incept

namespace nvcuda {
namespace wmma {

struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

namespace detail {

inline float Widen(float v) { return v; }
inline float Widen(__half v) { return __half2float(v); }
inline float Widen(__nv_bfloat16 v) { return __bfloat162float(v); }
inline float Narrow(float v, float*) { return v; }
inline float Narrow(float v, __half*) { return __half2float(__float2half_rn(v)); }
inline float Narrow(float v, __nv_bfloat16*) { return __bfloat162float(__float2bfloat16_rn(v)); }

template <typename Use, int M, int N, int K>
struct Dims;
template <int M, int N, int K>
struct Dims<matrix_a, M, N, K> {
  static constexpr int kRows = M, kCols = K;
};
template <int M, int N, int K>
struct Dims<matrix_b, M, N, K> {
  static constexpr int kRows = K, kCols = N;
};
template <int M, int N, int K>
struct Dims<accumulator, M, N, K> {
  static constexpr int kRows = M, kCols = N;
};

template <typename Layout>
constexpr int LayoutCode() {
  return std::is_same<Layout, col_major>::value ? 1 : 0;
}

template <int M, int N, int K>
constexpr bool SupportedShape() {
  return (M == 16 && N == 16 && K == 16) || (M == 8 && N == 32 && K == 16) ||
         (M == 32 && N == 8 && K == 16);
}

// A 32-byte aligned pointer and a leading dimension of whole 16-byte units (in elements).
template <typename T>
void CheckMemory(const char* call, const T* p, unsigned ldm) {
  if (reinterpret_cast<uintptr_t>(p) % 32 != 0)
    incept::emu::warp::Fail(call, "pointer not 32-byte aligned");
  if ((ldm * sizeof(T)) % 16 != 0) incept::emu::warp::Fail(call, "ldm not a multiple of 16 bytes");
}

}  // namespace detail

// The whole rows x cols tile, in every thread (see the file comment).
template <typename Use, int M, int N, int K, typename T, typename Layout = void>
class fragment {
 public:
  static_assert(detail::SupportedShape<M, N, K>(),
                "emulated wmma shapes: 16x16x16, 8x32x16, 32x8x16");
  static constexpr int kRows = detail::Dims<Use, M, N, K>::kRows;
  static constexpr int kCols = detail::Dims<Use, M, N, K>::kCols;
  static constexpr int num_elements = kRows * kCols;
  float tile[kRows * kCols] = {};  // row-major, values of type T held as fp32
};

template <typename Use, int M, int N, int K, typename T, typename Layout>
void fill_fragment(fragment<Use, M, N, K, T, Layout>& f, float value) {
  incept::emu::warp::Collective(incept::emu::warp::CallKind::kFill, nullptr, 0, 0,
                                incept::BitsFromFloat(value));
  const float v = detail::Narrow(value, static_cast<T*>(nullptr));
  for (float& x : f.tile) x = v;
}

// matrix_a / matrix_b: the layout is the fragment's.
template <typename Use, int M, int N, int K, typename T, typename Layout, typename E>
void load_matrix_sync(fragment<Use, M, N, K, T, Layout>& f, const E* p, unsigned ldm) {
  static_assert(!std::is_same<Layout, void>::value, "matrix_a/b fragments carry their layout");
  using F = fragment<Use, M, N, K, T, Layout>;
  detail::CheckMemory("load_matrix_sync", p, ldm);
  const float* shared = incept::emu::warp::Collective(incept::emu::warp::CallKind::kLoad, p, ldm,
                                                      detail::LayoutCode<Layout>(), 0);
  if (shared) {
    std::memcpy(f.tile, shared, sizeof f.tile);
    return;
  }
  const bool col = detail::LayoutCode<Layout>() == 1;
  for (int r = 0; r < F::kRows; ++r)
    for (int c = 0; c < F::kCols; ++c)
      f.tile[r * F::kCols + c] = detail::Widen(col ? p[c * ldm + r] : p[r * ldm + c]);
  incept::emu::warp::PublishResult(f.tile, F::num_elements);
}

// accumulator: the layout is the call's.
template <int M, int N, int K>
void load_matrix_sync(fragment<accumulator, M, N, K, float>& f, const float* p, unsigned ldm,
                      layout_t layout) {
  detail::CheckMemory("load_matrix_sync", p, ldm);
  const float* shared = incept::emu::warp::Collective(incept::emu::warp::CallKind::kLoad, p, ldm,
                                                      static_cast<int>(layout) + 2, 0);
  if (shared) {
    std::memcpy(f.tile, shared, sizeof f.tile);
    return;
  }
  for (int r = 0; r < M; ++r)
    for (int c = 0; c < N; ++c)
      f.tile[r * N + c] = layout == mem_col_major ? p[c * ldm + r] : p[r * ldm + c];
  incept::emu::warp::PublishResult(f.tile, M * N);
}

template <int M, int N, int K>
void store_matrix_sync(float* p, const fragment<accumulator, M, N, K, float>& f, unsigned ldm,
                       layout_t layout) {
  detail::CheckMemory("store_matrix_sync", p, ldm);
  incept::emu::warp::Collective(incept::emu::warp::CallKind::kStore, p, ldm,
                                static_cast<int>(layout), 0);
  for (int r = 0; r < M; ++r)
    for (int c = 0; c < N; ++c)
      (layout == mem_col_major ? p[c * ldm + r] : p[r * ldm + c]) = f.tile[r * N + c];
}

// D = A * B + C (fp32 accumulation); D may be C.
template <int M, int N, int K, typename T, typename LA, typename LB>
void mma_sync(fragment<accumulator, M, N, K, float>& d, const fragment<matrix_a, M, N, K, T, LA>& a,
              const fragment<matrix_b, M, N, K, T, LB>& b,
              const fragment<accumulator, M, N, K, float>& c) {
  float out[M * N];
  const float* shared =
      incept::emu::warp::Collective(incept::emu::warp::CallKind::kMma, nullptr, 0, 0, 0);
  if (shared) {
    std::memcpy(d.tile, shared, sizeof out);
    return;
  }
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) out[i * N + j] = c.tile[i * N + j];
    for (int k = 0; k < K; ++k) {
      const float av = a.tile[i * K + k];
      for (int j = 0; j < N; ++j) out[i * N + j] += av * b.tile[k * N + j];
    }
  }
  std::memcpy(d.tile, out, sizeof out);
  incept::emu::warp::PublishResult(out, M * N);
}

}  // namespace wmma
}  // namespace nvcuda

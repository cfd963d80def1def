// Host-side argument checks shared by every kernel launcher (CUDA and emulated): each
// failure throws incept::Error naming the op, the argument and what is wrong.
#pragma once

#include <climits>
#include <cstdint>
#include <string>

#include "cuda/kernels/tensor_ref.h"
#include "graph/error.h"

namespace incept {
namespace simt {

[[noreturn]] inline void Fail(const char* op, const std::string& what) {
  throw Error(std::string(op) + ": " + what);
}

// data non-null, every dimension in [1, INT_MAX], batch_stride >= C*H*W (images disjoint).
inline void RequireTensor(const char* op, const char* role, const ConstTensorRef& t) {
  if (!t.data) Fail(op, std::string(role) + " is null");
  const Shape& s = t.shape;
  for (int64_t d : {s.n, s.c, s.h, s.w})
    if (d < 1 || d > INT_MAX) Fail(op, std::string(role) + " has an invalid shape " + s.str());
  if (t.batch_stride < s.per_image())
    Fail(op, std::string(role) + " batch stride " + std::to_string(t.batch_stride) +
                 " < C*H*W = " + std::to_string(s.per_image()));
}

inline void RequireShape(const char* op, const char* role, const Shape& got, const Shape& want) {
  if (got != want) Fail(op, std::string(role) + " shape " + got.str() + ", expected " + want.str());
}

inline void RequirePointer(const char* op, const char* role, const void* p) {
  if (!p) Fail(op, std::string(role) + " is null");
}

// Output extent of a sliding window, PyTorch's rule: floor (or ceil) of
// (in + pad_before + pad_after - kernel) / stride, plus one; in ceil mode the last window
// must start inside the input or the leading padding.
inline int64_t WindowOutputSize(int64_t in, int kernel, int stride, int pad_before, int pad_after,
                                bool ceil_mode) {
  const int64_t span = in + pad_before + pad_after - kernel;
  if (span < 0 || stride < 1) return 0;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_before) --out;
  return out;
}

}  // namespace simt
}  // namespace incept

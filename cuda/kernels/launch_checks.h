// Host-side argument checks shared by every kernel launcher (CUDA and emulated): each
// failure throws incept::Error naming the op, the argument and what is wrong.
#pragma once

#include <climits>
#include <cstdint>
#include <string>

#include "cuda/kernels/tensor_ref.h"
#include "graph/error.h"
#include "graph/window_output_size.h"  // incept::WindowOutputSize, for the launchers

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

}  // namespace simt
}  // namespace incept

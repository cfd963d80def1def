// Shape: the logical shape of an activation, NCHW fields plus the rank the outside sees.
//
// Image-like values are rank 4, (N, C, H, W). Feature vectors (the output of a Flatten or a
// Linear, and a Softmax or Dropout over one) are rank 2, (N, C), stored with h = w = 1 so
// that element counts, strides and the memory plan do not depend on the rank; the rank
// decides only the dims that tensors, npy files, JSON and the API carry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace incept {

struct Shape {
  int64_t n = 0, c = 0, h = 0, w = 0;
  int rank = 4;  // 4: (N, C, H, W); 2: (N, C) with h == w == 1

  // A rank-2 feature shape (N, C).
  static Shape Features(int64_t n, int64_t c) { return Shape{n, c, 1, 1, 2}; }

  int64_t elements() const { return n * c * h * w; }
  int64_t per_image() const { return c * h * w; }
  int64_t plane() const { return h * w; }
  std::vector<int64_t> dims() const;  // rank entries: {n, c} or {n, c, h, w}
  bool operator==(const Shape& o) const {
    return n == o.n && c == o.c && h == o.h && w == o.w && rank == o.rank;
  }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "1x3x224x224", or "1x1000" at rank 2
};

}  // namespace incept

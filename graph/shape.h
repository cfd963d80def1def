// Shape: the logical NCHW shape of an activation. Every activation is 4-D; a flattened or
// fully-connected result of F features is (N, F, 1, 1).
#pragma once

#include <cstdint>
#include <string>

namespace incept {

struct Shape {
  int64_t n = 0, c = 0, h = 0, w = 0;

  int64_t elements() const { return n * c * h * w; }
  int64_t per_image() const { return c * h * w; }
  int64_t plane() const { return h * w; }
  bool operator==(const Shape& o) const { return n == o.n && c == o.c && h == o.h && w == o.w; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "1x3x224x224"
};

}  // namespace incept

#include "graph/shape.h"

namespace incept {

std::vector<int64_t> Shape::dims() const {
  if (rank == 2) return {n, c};
  return {n, c, h, w};
}

std::string Shape::str() const {
  std::string out;
  for (int64_t d : dims()) out += (out.empty() ? "" : "x") + std::to_string(d);
  return out;
}

}  // namespace incept

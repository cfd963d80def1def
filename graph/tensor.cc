#include "graph/tensor.h"

namespace incept {

Tensor::Tensor(std::vector<int64_t> d) : dims(std::move(d)), data(elements(), 0.0f) {}

int64_t Tensor::elements() const {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  return count;
}

std::string Tensor::dims_str() const {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

}  // namespace incept

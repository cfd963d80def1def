// Tensor: a dense fp32 host array with its dimensions, used for weights (any rank) and for
// whole activations at the API boundary (an input (N, C, H, W); outputs of their value's rank,
// e.g. logits (N, 1000)).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace incept {

struct Tensor {
  std::vector<int64_t> dims;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(std::vector<int64_t> d);  // zero-filled
  int64_t elements() const;
  std::string dims_str() const;  // "[64, 3, 7, 7]"
};

// Weights by tensor name, as in a safetensors file (after conversion to fp32).
using WeightMap = std::map<std::string, Tensor>;

}  // namespace incept

// Finds weight tensors holding NaN or Inf: a file that would make every output NaN (or a
// trained model that diverged) is named before it runs, not discovered in the logits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace incept {

struct NonFiniteTensor {
  std::string name;
  int64_t nans = 0, infinities = 0;
  int64_t first_index = -1;  // flat index of the first non-finite element
};

// The tensors of `weights` with at least one NaN or +-Inf, in name order. Thread-safe
// (reads only).
std::vector<NonFiniteTensor> FindNonFiniteTensors(const WeightMap& weights);

// "tensor \"conv1.weight\" holds 2 NaN and 1 Inf of 9408 values (first at element 17)".
std::string Describe(const NonFiniteTensor& tensor, int64_t elements);

}  // namespace incept

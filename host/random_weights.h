// Seeded random weights for a graph, for benchmarks and tests (not for predictions):
//   conv / linear weights ~ N(0, 2 / fan_in)  (He init), biases ~ U(-0.1, 0.1),
//   BatchNorm weight ~ U(0.5, 1.5), bias ~ U(-0.1, 0.1), running_mean ~ U(-0.1, 0.1),
//   running_var ~ U(0.5, 1.5)  (non-trivial statistics, so folding is exercised).
#pragma once

#include <cstdint>

#include "graph/graph.h"
#include "graph/tensor.h"

namespace incept {

WeightMap RandomWeights(const Graph& graph, uint64_t seed = 0);

}  // namespace incept

// Validation and shape inference over a whole graph.
#pragma once

#include <optional>

#include "graph/graph.h"
#include "graph/tensor.h"

namespace incept {

// Checks the structure (unique names, known inputs, topological order, no cycle, input
// counts, outputs exist) and infers every node's output shape. With `input_shape`, the
// Input node's default shape is replaced (any batch and spatial size the network takes).
// Throws Error naming the node, e.g.
//   node "inception4a/3x3" (Conv2d): in_channels 96 != producer's 112
void InferShapes(Graph& graph, std::optional<Shape> input_shape = std::nullopt);

// Checks that every parameter the graph references is in `weights` with the right shape.
// Throws Error naming the node, the role, the tensor and both shapes.
void CheckWeights(const Graph& graph, const WeightMap& weights);

// Parameter shapes of one node (after InferShapes), by role.
std::map<std::string, std::vector<int64_t>> NodeParamShapes(const Graph& graph, const Node& node);

}  // namespace incept

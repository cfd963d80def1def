// Runs one node on the host kernels: the op-kind -> kernel table of the host backend.
#pragma once

#include <vector>

#include "graph/graph.h"
#include "graph/tensor.h"
#include "host/tensor_view.h"

namespace incept {

// A node's parameters resolved to tensors, by role.
using NodeParams = std::map<std::string, const Tensor*>;

// Computes `node` from `inputs` into `out` (which may be a channel slice of a concat buffer).
// Throws Error for an op the host cannot run (Input; an elided Concat needs no run).
void RunHostNode(const Node& node, const std::vector<ConstTensorView>& inputs,
                 const NodeParams& params, TensorView out);

}  // namespace incept

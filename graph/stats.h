// Parameter and multiply-add counts per node and in total.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace incept {

struct NodeStats {
  std::string name;
  OpKind op;
  Shape shape;
  int64_t parameters = 0;
  int64_t macs = 0;
  bool aux = false;  // only reachable from aux_outputs (not on the inference path)
};

struct GraphStats {
  std::vector<NodeStats> nodes;
  int64_t parameters = 0;  // totals over the counted nodes
  int64_t macs = 0;
};

// Requires InferShapes. Totals cover the inference graph (nodes that an output depends
// on); with `with_aux`, the aux heads too. Shared parameters are counted once.
GraphStats ComputeStats(const Graph& graph, bool with_aux);

// Node indices that `roots` depend on (transitively), as a mask.
std::vector<bool> ReachableFrom(const Graph& graph, const std::vector<std::string>& roots);

}  // namespace incept

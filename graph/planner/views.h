// The views of a graph (which values own bytes, which are slices, aliases or channel
// views of another value, which nodes launch, and who writes and reads each value's bytes):
// what a graph asks of a plan (plan.h), read by the scheduler, the memory planner and the
// backends.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

// The views of a graph: which values own bytes, which are slices or aliases, and which
// nodes launch. Validates concat elision (a slice names a Concat it feeds, in bounds;
// every input of an elided Concat is one of its slices; an elided Concat may itself be a
// slice of another, so the root of a slice is the outermost Concat and its channel offset
// there is the sum along the chain) and throws Error otherwise. A
// Concat that is not elided may have some slice inputs: it launches after them and copies
// the others.
struct GraphViews {
  std::vector<std::vector<int>> inputs;       // per node: the nodes it reads, in input order
  std::vector<ValueKind> kind;                // per node
  std::vector<int> base;                      // per node: the value it views (-1 for kBuffer)
  std::vector<int64_t> slice_channel_offset;  // per node, kSlice and kChannelView only
  std::vector<bool> launched;                 // per node
  // Per node, the launched nodes that write the value's bytes (empty for an Input: the
  // caller writes it before the plan starts) and those that read them (through views).
  std::vector<std::vector<int>> writers;
  std::vector<std::vector<int>> readers;
  std::vector<bool> is_output;  // per node: an output, or aux output, reads it at the end
};
GraphViews AnalyzeViews(const Graph& graph);

}  // namespace incept

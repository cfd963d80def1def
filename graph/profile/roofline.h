// Roofline classes of a node: what bounds it, from its cost, its time and the device's
// measured ceilings (graph/backend.h DeviceCeilings).
//
//   flops      2 x multiply-adds (graph/op_registry.h's count: conv, linear, ...)
//   bytes      (input elements + output elements + parameter elements) x element size:
//              each is moved at least once (a lower bound on the traffic)
//   intensity  I = flops / bytes;  ridge R = peak FLOP/s / peak bytes/s
//   attainable = min(peak FLOP/s, I x peak bytes/s)
//   efficiency e = achieved FLOP/s / attainable = max(compute fraction, bandwidth fraction)
//
// Classes (thresholds below, stated once):
//   latency-bound  e < kLatencyEfficiency: far from both ceilings, so launch latency, tails
//                  and too little parallel work dominate, not arithmetic or memory
//   compute-bound  otherwise, if I >= R
//   memory-bound   otherwise (I < R; also nodes with no FLOPs, such as pools and copies)
//   unknown        no ceilings or no time
#pragma once

#include <cstdint>

#include "graph/backend.h"
#include "graph/graph.h"

namespace incept::profile {

// Below this fraction of the roofline a node is latency-bound.
constexpr double kLatencyEfficiency = 0.10;

enum class BoundBy { kUnknown, kCompute, kMemory, kLatency };
const char* BoundByName(BoundBy bound);  // "unknown", "compute", "memory", "latency"

struct NodeCost {
  double flops = 0;
  double bytes = 0;
};

// Requires InferShapes. Zero for Input; `bytes_per_element` of the plan (4 for fp32).
NodeCost ComputeNodeCost(const Graph& graph, int node, int64_t bytes_per_element);

struct Roofline {
  double flops_per_second = 0;  // achieved
  double bytes_per_second = 0;  // achieved
  double intensity = 0;         // flops / bytes
  double efficiency = 0;        // achieved / attainable (0 if unknown)
  BoundBy bound = BoundBy::kUnknown;
};

Roofline ClassifyNode(const NodeCost& cost, double seconds, const DeviceCeilings& ceilings);

}  // namespace incept::profile

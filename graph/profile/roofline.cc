// Node cost from the op table; the roofline classes as stated in roofline.h.
#include "graph/profile/roofline.h"

#include <algorithm>

#include "graph/op_registry.h"

namespace incept::profile {

const char* BoundByName(BoundBy bound) {
  static const char* const kNames[] = {"unknown", "compute", "memory", "latency"};
  return kNames[static_cast<int>(bound)];
}

NodeCost ComputeNodeCost(const Graph& graph, int node, int64_t bytes_per_element) {
  const Node& n = graph.nodes[static_cast<size_t>(node)];
  NodeCost cost;
  if (n.op == OpKind::kInput) return cost;
  std::vector<Shape> in;
  double elements = static_cast<double>(n.shape.elements());
  for (const std::string& input : n.inputs) {
    in.push_back(graph.at(input).shape);
    elements += static_cast<double>(in.back().elements());
  }
  const OpInfo& info = GetOpInfo(n.op);
  for (const auto& [role, dims] : info.param_shapes(n, in)) {
    double count = 1;
    for (int64_t d : dims) count *= static_cast<double>(d);
    elements += count;
  }
  cost.flops = 2.0 * static_cast<double>(info.macs(n, in));
  cost.bytes = elements * static_cast<double>(bytes_per_element);
  return cost;
}

Roofline ClassifyNode(const NodeCost& cost, double seconds, const DeviceCeilings& ceilings) {
  Roofline r;
  if (seconds <= 0) return r;
  r.flops_per_second = cost.flops / seconds;
  r.bytes_per_second = cost.bytes / seconds;
  r.intensity = cost.bytes > 0 ? cost.flops / cost.bytes : 0;
  if (ceilings.flops_per_second <= 0 || ceilings.bytes_per_second <= 0) return r;
  const double compute_fraction = r.flops_per_second / ceilings.flops_per_second;
  const double bandwidth_fraction = r.bytes_per_second / ceilings.bytes_per_second;
  r.efficiency = std::max(compute_fraction, bandwidth_fraction);
  const double ridge = ceilings.flops_per_second / ceilings.bytes_per_second;
  if (r.efficiency < kLatencyEfficiency)
    r.bound = BoundBy::kLatency;
  else
    r.bound = r.intensity >= ridge ? BoundBy::kCompute : BoundBy::kMemory;
  return r;
}

}  // namespace incept::profile

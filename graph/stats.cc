// Parameter and multiply-add counts. Parameters are counted as PyTorch's parameters()
// does: BatchNorm's running statistics are buffers, not parameters.
#include "graph/stats.h"

#include <set>

#include "graph/op_registry.h"
#include "graph/shape_inference.h"

namespace incept {

std::vector<bool> ReachableFrom(const Graph& graph, const std::vector<std::string>& roots) {
  std::vector<bool> reached(graph.nodes.size(), false);
  std::vector<int> stack;
  for (const std::string& root : roots) stack.push_back(graph.IndexOf(root));
  while (!stack.empty()) {
    int i = stack.back();
    stack.pop_back();
    if (i < 0 || reached[i]) continue;
    reached[i] = true;
    for (const std::string& input : graph.nodes[i].inputs) stack.push_back(graph.IndexOf(input));
  }
  return reached;
}

GraphStats ComputeStats(const Graph& graph, bool with_aux) {
  std::vector<bool> main = ReachableFrom(graph, graph.outputs);
  std::vector<bool> aux = ReachableFrom(graph, graph.aux_outputs);
  GraphStats stats;
  std::set<std::string> counted_tensors;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    NodeStats ns;
    ns.name = node.name;
    ns.op = node.op;
    ns.shape = node.shape;
    ns.aux = aux[i] && !main[i];
    std::vector<Shape> in;
    for (const std::string& input : node.inputs) in.push_back(graph.at(input).shape);
    const OpInfo& info = GetOpInfo(node.op);
    ns.macs = info.macs(node, in);
    bool counted = main[i] || (with_aux && aux[i]);
    for (const auto& [role, dims] : info.param_shapes(node, in)) {
      if (role == "running_mean" || role == "running_var") continue;
      int64_t count = 1;
      for (int64_t d : dims) count *= d;
      ns.parameters += count;
      if (counted && counted_tensors.insert(node.params.at(role)).second) stats.parameters += count;
    }
    if (counted) stats.macs += ns.macs;
    stats.nodes.push_back(ns);
  }
  return stats;
}

}  // namespace incept

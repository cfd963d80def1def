#include "graph/passes/rewire.h"

#include <algorithm>

namespace incept::passes {

void Rewire(Graph& graph, const std::string& from, const std::string& to) {
  for (Node& node : graph.nodes)
    for (std::string& input : node.inputs)
      if (input == from) input = to;
  for (auto* list : {&graph.outputs, &graph.aux_outputs})
    for (std::string& out : *list)
      if (out == from) out = to;
}

bool IsGraphOutput(const Graph& graph, const std::string& name) {
  for (const auto* list : {&graph.outputs, &graph.aux_outputs})
    if (std::find(list->begin(), list->end(), name) != list->end()) return true;
  return false;
}

int SoleConsumer(const Graph& graph, const std::vector<std::vector<int>>& consumers, int i) {
  if (consumers[i].size() != 1 || IsGraphOutput(graph, graph.nodes[i].name)) return -1;
  return consumers[i][0];
}

void RemoveNodes(Graph& graph, const std::vector<bool>& remove) {
  std::vector<Node> kept;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (!remove[i]) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
}

}  // namespace incept::passes

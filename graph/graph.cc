#include "graph/graph.h"

#include "graph/error.h"

namespace incept {

int Graph::IndexOf(const std::string& node_name) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == node_name) return static_cast<int>(i);
  return -1;
}

const Node& Graph::at(const std::string& node_name) const {
  int i = IndexOf(node_name);
  if (i < 0) throw Error("graph \"" + name + "\": no node named \"" + node_name + "\"");
  return nodes[i];
}

Node& Graph::at(const std::string& node_name) {
  return const_cast<Node&>(static_cast<const Graph&>(*this).at(node_name));
}

std::vector<std::vector<int>> Graph::Consumers() const {
  std::vector<std::vector<int>> consumers(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const std::string& input : nodes[i].inputs) {
      int p = IndexOf(input);
      if (p >= 0) consumers[p].push_back(static_cast<int>(i));
    }
  return consumers;
}

std::vector<int> Graph::InputIndices() const {
  std::vector<int> inputs;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].op == OpKind::kInput) inputs.push_back(static_cast<int>(i));
  return inputs;
}

}  // namespace incept

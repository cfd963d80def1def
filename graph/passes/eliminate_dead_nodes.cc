// Dead-node elimination: Dropout is the identity at inference, and nodes no output
// depends on (the aux heads) never need to run.
#include "graph/passes/passes.h"
#include "graph/passes/rewire.h"
#include "graph/stats.h"

namespace incept {

int EliminateDeadNodes(Graph& graph) {
  int removed = 0;
  std::vector<bool> remove(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if (node.op != OpKind::kDropout) continue;
    passes::Rewire(graph, node.name, node.inputs[0]);
    remove[i] = true;
    ++removed;
  }
  passes::RemoveNodes(graph, remove);

  graph.aux_outputs.clear();
  std::vector<bool> live = ReachableFrom(graph, graph.outputs);
  std::vector<bool> dead(live.size());
  for (size_t i = 0; i < live.size(); ++i) {
    dead[i] = !live[i];
    removed += dead[i];
  }
  passes::RemoveNodes(graph, dead);
  return removed;
}

}  // namespace incept

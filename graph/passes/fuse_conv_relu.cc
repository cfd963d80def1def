// Conv + ReLU -> conv with a ReLU epilogue: y = max(0, conv(x) + b).
#include "graph/passes/passes.h"
#include "graph/passes/rewire.h"

namespace incept {

int FuseConvRelu(Graph& graph) {
  auto consumers = graph.Consumers();
  std::vector<bool> remove(graph.nodes.size(), false);
  int fused = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& conv = graph.nodes[i];
    if (conv.op != OpKind::kConv2d || conv.attr<Conv2dAttrs>().activation != Activation::kNone)
      continue;
    int relu = passes::SoleConsumer(graph, consumers, static_cast<int>(i));
    if (relu < 0 || graph.nodes[relu].op != OpKind::kReLU) continue;
    conv.attr<Conv2dAttrs>().activation = Activation::kReLU;
    passes::Rewire(graph, graph.nodes[relu].name, conv.name);
    remove[relu] = true;
    ++fused;
  }
  passes::RemoveNodes(graph, remove);
  return fused;
}

}  // namespace incept

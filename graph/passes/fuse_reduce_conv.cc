// Reduce fusion: relu(W1 x + b1) -> KxK conv becomes one FusedReduceConv node, which
// computes the 1x1 reduce on its tile and halo and never writes the reduced tensor.
#include "graph/passes/passes.h"
#include "graph/passes/rewire.h"

namespace incept {
namespace {

bool IsReduce(const Node& node) {
  if (node.op != OpKind::kConv2d) return false;
  const auto& a = node.attr<Conv2dAttrs>();
  const Window2d& w = a.window;
  return w.kernel_h == 1 && w.kernel_w == 1 && w.stride_h == 1 && w.stride_w == 1 &&
         w.pad_top == 0 && w.pad_left == 0 && w.pad_bottom == 0 && w.pad_right == 0 &&
         a.groups == 1 && a.has_bias && a.activation == Activation::kReLU;
}

bool IsSpatialConv(const Node& node) {
  if (node.op != OpKind::kConv2d) return false;
  const auto& a = node.attr<Conv2dAttrs>();
  return a.groups == 1 && a.has_bias && (a.window.kernel_h > 1 || a.window.kernel_w > 1);
}

}  // namespace

std::vector<ReducePair> FindReducePairs(const Graph& graph) {
  auto consumers = graph.Consumers();
  std::vector<ReducePair> pairs;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!IsReduce(graph.nodes[i])) continue;
    int c = passes::SoleConsumer(graph, consumers, static_cast<int>(i));
    if (c >= 0 && IsSpatialConv(graph.nodes[c])) pairs.push_back({static_cast<int>(i), c});
  }
  return pairs;
}

int FuseReduceConv(Graph& graph) {
  return FuseReduceConv(graph, [](const Node&, const Node&) { return true; });
}

int FuseReduceConv(Graph& graph, const ReducePairFilter& fuse) {
  std::vector<bool> remove(graph.nodes.size(), false);
  int fused = 0;
  for (const ReducePair& pair : FindReducePairs(graph)) {
    const Node& reduce = graph.nodes[pair.reduce];
    if (!fuse(reduce, graph.nodes[pair.conv])) continue;
    const size_t i = static_cast<size_t>(pair.reduce);
    Node& conv = graph.nodes[pair.conv];
    FusedReduceConvAttrs a;
    a.in_channels = reduce.attr<Conv2dAttrs>().in_channels;
    a.reduce_channels = reduce.attr<Conv2dAttrs>().out_channels;
    a.conv = conv.attr<Conv2dAttrs>();
    conv.op = OpKind::kFusedReduceConv;
    conv.attrs = a;
    conv.inputs = reduce.inputs;
    conv.params = {{"reduce_weight", reduce.params.at("weight")},
                   {"reduce_bias", reduce.params.at("bias")},
                   {"weight", conv.params.at("weight")},
                   {"bias", conv.params.at("bias")}};
    remove[i] = true;
    ++fused;
  }
  passes::RemoveNodes(graph, remove);
  return fused;
}

}  // namespace incept

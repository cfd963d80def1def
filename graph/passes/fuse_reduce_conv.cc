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

int FuseReduceConv(Graph& graph) {
  auto consumers = graph.Consumers();
  std::vector<bool> remove(graph.nodes.size(), false);
  int fused = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& reduce = graph.nodes[i];
    if (!IsReduce(reduce)) continue;
    int c = passes::SoleConsumer(graph, consumers, static_cast<int>(i));
    if (c < 0 || !IsSpatialConv(graph.nodes[c])) continue;
    Node& conv = graph.nodes[c];
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

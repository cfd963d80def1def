// Horizontal merging: the 1x1 stride-1 unpadded ungrouped convs that read the same value
// (with the same bias use and activation) become one conv whose output channels are theirs
// stacked in node order,
//   W = [W_1; W_2; ...],  b = [b_1; b_2; ...],  y = act(W x + b),  y_k = y[:, o_k:o_k+c_k],
// so the GEMM reads the input once. Each original conv becomes a ChannelSlice of the merged
// value, with the conv's name, so its consumers are unchanged (the planner makes the slices
// views, not copies).
#include "graph/error.h"
#include "graph/passes/passes.h"
#include "graph/passes/rewire.h"

namespace incept {
namespace {

// A 1x1 conv that only a Concat reads stays out: it writes its concat slice in place, and
// as a view it could not, which would cost the whole Concat its elision (every branch
// copied) for one fewer read of the shared input.
bool IsMergeable1x1(const Graph& graph, const std::vector<std::vector<int>>& consumers, int i) {
  const Node& node = graph.nodes[i];
  if (node.op != OpKind::kConv2d || node.output_slice || node.inputs.size() != 1 ||
      passes::IsGraphOutput(graph, node.name))
    return false;
  const int sole = passes::SoleConsumer(graph, consumers, i);
  if (sole >= 0 && graph.nodes[sole].op == OpKind::kConcat) return false;
  const auto& a = node.attr<Conv2dAttrs>();
  const Window2d& w = a.window;
  return w.kernel_h == 1 && w.kernel_w == 1 && w.stride_h == 1 && w.stride_w == 1 &&
         w.pad_top == 0 && w.pad_left == 0 && w.pad_bottom == 0 && w.pad_right == 0 &&
         a.groups == 1;
}

bool SameEpilogue(const Node& a, const Node& b) {
  const auto& x = a.attr<Conv2dAttrs>();
  const auto& y = b.attr<Conv2dAttrs>();
  return x.has_bias == y.has_bias && x.activation == y.activation && x.in_channels == y.in_channels;
}

const Tensor& Param(const WeightMap& weights, const Node& node, const char* role) {
  auto it = weights.find(node.params.at(role));
  if (it == weights.end())
    throw Error("MergeHorizontal1x1: node \"" + node.name + "\": tensor \"" + node.params.at(role) +
                "\" is not in the weights");
  return it->second;
}

// Stacks the tensors of `role` of `convs` along their first (output channel) dimension.
Tensor Stack(const WeightMap& weights, const std::vector<const Node*>& convs, const char* role) {
  Tensor stacked;
  for (const Node* conv : convs) {
    const Tensor& t = Param(weights, *conv, role);
    const int64_t out = conv->attr<Conv2dAttrs>().out_channels;
    if (t.dims.empty() || t.dims[0] != out)
      throw Error("MergeHorizontal1x1: node \"" + conv->name + "\": " + role + " " + t.dims_str() +
                  " does not have " + std::to_string(out) + " output channels");
    if (stacked.dims.empty()) {
      stacked.dims = t.dims;
      stacked.dims[0] = 0;
    } else if (std::vector<int64_t>(t.dims.begin() + 1, t.dims.end()) !=
               std::vector<int64_t>(stacked.dims.begin() + 1, stacked.dims.end())) {
      throw Error("MergeHorizontal1x1: node \"" + conv->name + "\": " + role + " " + t.dims_str() +
                  " does not stack with " + stacked.dims_str());
    }
    stacked.dims[0] += out;
    stacked.data.insert(stacked.data.end(), t.data.begin(), t.data.end());
  }
  return stacked;
}

}  // namespace

int MergeHorizontal1x1(Graph& graph, WeightMap& weights) {
  const auto consumers = graph.Consumers();
  std::vector<Node> merged_nodes;  // new nodes, inserted before their first slice
  std::vector<int> insert_before;  // per merged node: index of its first conv
  for (size_t v = 0; v < graph.nodes.size(); ++v) {
    std::vector<bool> taken(consumers[v].size(), false);
    for (size_t a = 0; a < consumers[v].size(); ++a) {
      const Node& first = graph.nodes[consumers[v][a]];
      if (taken[a] || !IsMergeable1x1(graph, consumers, consumers[v][a])) continue;
      std::vector<int> group = {consumers[v][a]};
      for (size_t b = a + 1; b < consumers[v].size(); ++b) {
        const Node& other = graph.nodes[consumers[v][b]];
        if (taken[b] || !IsMergeable1x1(graph, consumers, consumers[v][b]) ||
            !SameEpilogue(first, other))
          continue;
        taken[b] = true;
        group.push_back(consumers[v][b]);
      }
      if (group.size() < 2) continue;
      taken[a] = true;

      std::vector<const Node*> convs;
      for (int c : group) convs.push_back(&graph.nodes[c]);
      Node merged;
      merged.name = first.name + "+merged";
      merged.op = OpKind::kConv2d;
      Conv2dAttrs attrs = first.attr<Conv2dAttrs>();
      attrs.out_channels = 0;
      for (const Node* conv : convs) attrs.out_channels += conv->attr<Conv2dAttrs>().out_channels;
      merged.attrs = attrs;
      merged.inputs = first.inputs;
      if (graph.IndexOf(merged.name) >= 0)
        throw Error("MergeHorizontal1x1: the merged node's name \"" + merged.name + "\" is taken");
      const std::string weight_name = merged.name + ".weight";
      weights[weight_name] = Stack(weights, convs, "weight");
      merged.params["weight"] = weight_name;
      if (attrs.has_bias) {
        const std::string bias_name = merged.name + ".bias";
        weights[bias_name] = Stack(weights, convs, "bias");
        merged.params["bias"] = bias_name;
      }
      merged.shape = first.shape;
      merged.shape.c = attrs.out_channels;

      int offset = 0;
      for (int c : group) {
        Node& conv = graph.nodes[c];
        const int channels = conv.attr<Conv2dAttrs>().out_channels;
        conv.op = OpKind::kChannelSlice;
        conv.attrs = ChannelSliceAttrs{offset, channels};
        conv.inputs = {merged.name};
        conv.params.clear();
        offset += channels;
      }
      merged_nodes.push_back(std::move(merged));
      insert_before.push_back(group.front());
    }
  }
  // Insert each merged conv right before its first slice (the slices are consumers of the
  // shared value, so every one comes after it: topological order holds).
  std::vector<Node> nodes;
  nodes.reserve(graph.nodes.size() + merged_nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (size_t m = 0; m < merged_nodes.size(); ++m)
      if (insert_before[m] == static_cast<int>(i)) nodes.push_back(std::move(merged_nodes[m]));
    nodes.push_back(std::move(graph.nodes[i]));
  }
  graph.nodes = std::move(nodes);
  return static_cast<int>(merged_nodes.size());
}

}  // namespace incept

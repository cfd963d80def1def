// BatchNorm folding into the preceding conv, in double precision:
//   s[o] = gamma[o] / sqrt(var[o] + eps)
//   w'[o, ...] = w[o, ...] * s[o]
//   b'[o] = (b[o] - mean[o]) * s[o] + beta[o]        (b = 0 for a conv without bias)
#include <cmath>

#include "graph/error.h"
#include "graph/passes/passes.h"
#include "graph/passes/rewire.h"

namespace incept {
namespace {

const Tensor& Get(const WeightMap& weights, const Node& node, const std::string& role) {
  const std::string& name = node.params.at(role);
  auto it = weights.find(name);
  if (it == weights.end())
    throw Error("FoldBatchNorm: node \"" + node.name + "\" parameter \"" + role + "\": tensor \"" +
                name + "\" is missing from the weights");
  return it->second;
}

}  // namespace

int FoldBatchNorm(Graph& graph, WeightMap& weights) {
  auto consumers = graph.Consumers();
  std::vector<bool> remove(graph.nodes.size(), false);
  int folded = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& conv = graph.nodes[i];
    if (conv.op != OpKind::kConv2d) continue;
    auto& attrs = conv.attr<Conv2dAttrs>();
    if (attrs.activation != Activation::kNone) continue;
    int bn_index = passes::SoleConsumer(graph, consumers, static_cast<int>(i));
    if (bn_index < 0 || graph.nodes[bn_index].op != OpKind::kBatchNorm) continue;
    const Node& bn = graph.nodes[bn_index];
    const double eps = bn.attr<BatchNormAttrs>().eps;
    const Tensor& gamma = Get(weights, bn, "weight");
    const Tensor& beta = Get(weights, bn, "bias");
    const Tensor& mean = Get(weights, bn, "running_mean");
    const Tensor& var = Get(weights, bn, "running_var");
    const Tensor& w = Get(weights, conv, "weight");
    const int64_t out = attrs.out_channels;
    const int64_t per_out = w.elements() / out;
    Tensor new_w(w.dims), new_b({out});
    for (int64_t o = 0; o < out; ++o) {
      const double s = gamma.data[o] / std::sqrt(static_cast<double>(var.data[o]) + eps);
      for (int64_t k = 0; k < per_out; ++k)
        new_w.data[o * per_out + k] = static_cast<float>(w.data[o * per_out + k] * s);
      const double b = attrs.has_bias ? Get(weights, conv, "bias").data[o] : 0.0;
      new_b.data[o] = static_cast<float>((b - mean.data[o]) * s + beta.data[o]);
    }
    const std::string w_name = conv.params.at("weight") + "@bn";
    const std::string b_name = conv.name + ".bias@bn";
    weights[w_name] = std::move(new_w);
    weights[b_name] = std::move(new_b);
    conv.params = {{"weight", w_name}, {"bias", b_name}};
    attrs.has_bias = true;
    passes::Rewire(graph, bn.name, conv.name);
    remove[bn_index] = true;
    ++folded;
  }
  passes::RemoveNodes(graph, remove);
  return folded;
}

}  // namespace incept

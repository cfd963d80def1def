// Structure checks, topological order and shape inference.
//
// Nodes are put in topological order by Kahn's algorithm, stable with respect to the
// given order; whatever is left when no node is ready lies on (or behind) a cycle.
#include "graph/shape_inference.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "graph/error.h"
#include "graph/op_registry.h"

namespace incept {
namespace {

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

void CheckNamesAndInputs(const Graph& graph) {
  std::set<std::string> names;
  for (const Node& node : graph.nodes) {
    if (node.name.empty()) throw Error("a node has an empty name");
    if (!names.insert(node.name).second)
      throw NodeError(node.name, OpName(node.op), "duplicate node name");
  }
  for (const Node& node : graph.nodes)
    for (const std::string& input : node.inputs)
      if (!names.count(input))
        throw NodeError(node.name, OpName(node.op),
                        "input " + Quoted(input) + " is not produced by any node");
  if (graph.outputs.empty()) throw Error("graph has no outputs");
  for (const auto* list : {&graph.outputs, &graph.aux_outputs})
    for (const std::string& out : *list)
      if (!names.count(out)) throw Error("output " + Quoted(out) + " is not produced by any node");
}

// Reorders graph.nodes topologically (stable); throws naming a node on a cycle.
void SortTopologically(Graph& graph) {
  const size_t n = graph.nodes.size();
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < n; ++i) index[graph.nodes[i].name] = i;
  std::vector<int> pending(n, 0);
  std::vector<std::vector<size_t>> consumers(n);
  for (size_t i = 0; i < n; ++i)
    for (const std::string& input : graph.nodes[i].inputs) {
      ++pending[i];
      consumers[index[input]].push_back(i);
    }
  std::vector<size_t> order;
  std::set<size_t> ready;
  for (size_t i = 0; i < n; ++i)
    if (!pending[i]) ready.insert(i);
  while (!ready.empty()) {
    size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (size_t c : consumers[i])
      if (--pending[c] == 0) ready.insert(c);
  }
  if (order.size() != n) {
    for (size_t i = 0; i < n; ++i)
      if (pending[i])
        throw NodeError(graph.nodes[i].name, OpName(graph.nodes[i].op),
                        "is on a cycle (its inputs depend on its own output)");
  }
  std::vector<Node> sorted;
  sorted.reserve(n);
  for (size_t i : order) sorted.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(sorted);
}

void CheckParamRoles(const Node& node, const ParamShapes& expected) {
  for (const auto& [role, shape] : expected)
    if (!node.params.count(role))
      throw NodeError(node.name, OpName(node.op),
                      "missing parameter " + Quoted(role) + " (params." + role + ")");
  for (const auto& [role, tensor] : node.params) {
    if (!expected.count(role))
      throw NodeError(node.name, OpName(node.op), "unknown parameter " + Quoted(role));
    if (tensor.empty())
      throw NodeError(node.name, OpName(node.op), "parameter " + Quoted(role) + " names no tensor");
  }
}

std::string DimsStr(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// Ops that slide a window over, or normalise across, an image: they need (N, C, H, W)
// inputs, as in PyTorch; a rank-2 feature value (after a Flatten or a Linear) is refused.
constexpr OpKind kImageOps[] = {OpKind::kConv2d,  OpKind::kFusedReduceConv, OpKind::kMaxPool,
                                OpKind::kAvgPool, OpKind::kAdaptiveAvgPool, OpKind::kLRN};

void CheckImageInputs(const Node& node, const std::vector<Shape>& in) {
  if (std::find(std::begin(kImageOps), std::end(kImageOps), node.op) == std::end(kImageOps)) return;
  for (size_t i = 0; i < in.size(); ++i)
    if (in[i].rank != 4)
      throw Error("input \"" + node.inputs[i] + "\" is " + in[i].str() + " (rank " +
                  std::to_string(in[i].rank) + "); this op needs (N, C, H, W)");
}

std::vector<Shape> InputShapes(const Graph& graph, const Node& node,
                               const std::map<std::string, Shape>& shapes) {
  std::vector<Shape> in;
  for (const std::string& input : node.inputs) in.push_back(shapes.at(input));
  return in;
}

}  // namespace

void InferShapes(Graph& graph, std::optional<Shape> input_shape) {
  CheckNamesAndInputs(graph);
  SortTopologically(graph);
  std::map<std::string, Shape> shapes;
  for (Node& node : graph.nodes) {
    const OpInfo& info = GetOpInfo(node.op);
    try {
      int count = static_cast<int>(node.inputs.size());
      if (count < info.min_inputs || count > info.max_inputs)
        throw Error("takes " +
                    (info.min_inputs == info.max_inputs
                         ? std::to_string(info.min_inputs)
                         : std::to_string(info.min_inputs) + " or more") +
                    " inputs, got " + std::to_string(count));
      if (node.op == OpKind::kInput && input_shape) node.attr<InputAttrs>().shape = *input_shape;
      std::vector<Shape> in = InputShapes(graph, node, shapes);
      CheckImageInputs(node, in);
      node.shape = info.infer_shape(node, in);
      CheckParamRoles(node, info.param_shapes(node, in));
    } catch (const NodeError&) {
      throw;
    } catch (const std::bad_variant_access&) {
      throw NodeError(node.name, info.name, "attributes of the wrong op kind");
    } catch (const Error& e) {
      throw NodeError(node.name, info.name, e.what());
    }
    shapes[node.name] = node.shape;
  }
}

std::map<std::string, std::vector<int64_t>> NodeParamShapes(const Graph& graph, const Node& node) {
  std::vector<Shape> in;
  for (const std::string& input : node.inputs) in.push_back(graph.at(input).shape);
  return GetOpInfo(node.op).param_shapes(node, in);
}

void CheckWeights(const Graph& graph, const WeightMap& weights) {
  for (const Node& node : graph.nodes) {
    for (const auto& [role, dims] : NodeParamShapes(graph, node)) {
      const std::string& tensor = node.params.at(role);
      auto it = weights.find(tensor);
      if (it == weights.end())
        throw NodeError(node.name, OpName(node.op),
                        "parameter " + Quoted(role) + ": tensor " + Quoted(tensor) +
                            " is missing from the weights (expected shape " + DimsStr(dims) + ")");
      if (it->second.dims != dims)
        throw NodeError(node.name, OpName(node.op),
                        "parameter " + Quoted(role) + ": tensor " + Quoted(tensor) + " has shape " +
                            it->second.dims_str() + ", expected " + DimsStr(dims));
    }
  }
}

}  // namespace incept

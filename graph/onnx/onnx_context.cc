#include "graph/onnx/onnx_context.h"

#include "graph/op_registry.h"

namespace incept::onnx_import {

void Context::BeginNode(int index, const onnx::NodeProto& node) {
  node_ = &node;
  node_index_ = index;
  node_name_ = node.name();
  if (node_name_.empty() && node.output_size() > 0) node_name_ = node.output(0);
}

std::string Context::Where() const {
  return source_ + ": node " + std::to_string(node_index_) + " \"" + node_name_ + "\" (" +
         node_->op_type() + ", opset " + std::to_string(opset_) + "): ";
}

void Context::Fail(const std::string& detail) const { throw Error(Where() + detail); }

void Context::Unsupported(const std::string& detail) const {
  throw OnnxUnsupported(Where() + detail);
}

void Context::Define(const std::string& onnx_name, Value value) {
  if (onnx_name.empty()) return;  // an omitted optional output
  if (values_.count(onnx_name)) Fail("value \"" + onnx_name + "\" is produced twice");
  values_[onnx_name] = std::move(value);
}

const Value& Context::Get(const std::string& onnx_name) const {
  auto it = values_.find(onnx_name);
  if (it == values_.end())
    Fail("input \"" + onnx_name + "\" is not produced by any earlier node, initializer or input");
  return it->second;
}

bool Context::HasInput(int i) const { return i < node_->input_size() && !node_->input(i).empty(); }

const Value& Context::Input(int i) const {
  if (!HasInput(i)) Fail("input " + std::to_string(i) + " is missing");
  return Get(node_->input(i));
}

bool Context::InputIsConstant(int i) const {
  return HasInput(i) && Get(node_->input(i)).kind == ValueKind::kConstant;
}

const Value& Context::Activation(int i) const {
  if (!HasInput(i)) Fail("input " + std::to_string(i) + " is missing");
  const Value& v = Get(node_->input(i));
  switch (v.kind) {
    case ValueKind::kActivation:
      return v;
    case ValueKind::kConstant:
      Unsupported("input " + std::to_string(i) + " (\"" + node_->input(i) +
                  "\") must be computed from the model input, not a constant");
    case ValueKind::kChannelPick:
      Unsupported("input \"" + node_->input(i) + "\" is one channel picked by Gather node \"" +
                  v.pick_origin +
                  "\": supported only when Unsqueeze/Mul/Add/Sub/Div lead to a Concat of all "
                  "channels (torchvision's transform_input)");
    case ValueKind::kPadded:
      Unsupported("input \"" + node_->input(i) + "\" is zero-padded by Pad node \"" + v.pad_origin +
                  "\": supported only before a Conv, AveragePool or MaxPool");
  }
  return v;
}

const Constant& Context::ConstantInput(int i) const {
  if (!HasInput(i)) Fail("input " + std::to_string(i) + " is missing");
  const Value& v = Get(node_->input(i));
  if (v.kind != ValueKind::kConstant)
    Unsupported("input " + std::to_string(i) + " (\"" + node_->input(i) +
                "\") must be a constant (an initializer or a Constant node)");
  return v.constant;
}

void Context::RequireOnlyFirstOutputUsed() const {
  for (int i = 1; i < node_->output_size(); ++i)
    if (!node_->output(i).empty() && UseCount(node_->output(i)) > 0)
      Unsupported("output " + std::to_string(i) + " (\"" + node_->output(i) +
                  "\") is used; only the first output is supported");
}

int Context::UseCount(const std::string& onnx_name) const {
  auto it = uses_.find(onnx_name);
  return it == uses_.end() ? 0 : it->second;
}

std::string Context::AddNode(OpKind op, OpAttrs attrs, std::vector<std::string> inputs,
                             std::map<std::string, std::string> params,
                             const std::string& name_hint) {
  std::string name = name_hint.empty() ? std::string(OpName(op)) : name_hint;
  while (graph_.IndexOf(name) >= 0)
    name = name_hint + "_" + std::to_string(++name_counts_[name_hint]);
  Node node;
  node.name = name;
  node.op = op;
  node.attrs = std::move(attrs);
  node.inputs = std::move(inputs);
  node.params = std::move(params);
  const OpInfo& info = GetOpInfo(op);
  std::vector<Shape> shapes;
  for (const std::string& in : node.inputs) shapes.push_back(ShapeOf(in));
  try {
    node.shape =
        op == OpKind::kInput ? node.attr<InputAttrs>().shape : info.infer_shape(node, shapes);
  } catch (const Error& e) {
    Fail(std::string("as ") + info.name + ": " + e.what());
  }
  graph_.nodes.push_back(std::move(node));
  return name;
}

std::string Context::AddWeight(const std::string& name_hint, Tensor tensor) {
  std::string name = name_hint;
  for (int k = 1;; ++k) {
    auto it = weights_.find(name);
    if (it == weights_.end()) break;
    if (it->second.dims == tensor.dims && it->second.data == tensor.data) return name;
    name = name_hint + "_" + std::to_string(k);
  }
  weights_[name] = std::move(tensor);
  return name;
}

std::vector<int64_t> Context::OnnxDims(const Value& v) const {
  const Shape& s = ShapeOf(v.node);
  switch (v.rank) {
    case 2:
      return {s.n, s.c};
    case 3:
      return {s.n, s.c, s.w};
    default:
      return {s.n, s.c, s.h, s.w};
  }
}

void Context::DefineActivation(const std::string& node, int rank) {
  Value v;
  v.kind = ValueKind::kActivation;
  v.node = node;
  v.rank = rank;
  v.defined_as = node_->output(0);
  Define(node_->output(0), std::move(v));
}

Tensor ToTensor(const Constant& c) {
  Tensor t;
  t.dims = c.dims;
  t.data = c.values;
  return t;
}

}  // namespace incept::onnx_import

// The importer's working state while it walks an ONNX graph: what each ONNX value name
// stands for (an activation of our graph, a constant, or a pattern still being matched),
// the Graph and weights being built, and the node being converted (for error messages).
//
// An ONNX value is one of
//   kActivation   a node of our Graph; `rank` is its ONNX rank (2, 3 or 4, our shape is 4-D)
//   kConstant     known at import (an initializer, a Constant node, a folded expression)
//   kChannelPick  channel `channel` of an activation, times `scale` plus `shift`: what a
//                 Gather of one channel becomes until a Concat reassembles the channels
//                 (torchvision's transform_input); any other use is an error
//   kPadded       an activation zero-padded by a Pad node, waiting for the Conv or pool
//                 that takes the padding into its own
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/onnx/onnx_import.h"
#include "graph/tensor.h"
#include "onnx/onnx_pb.h"

namespace incept::onnx_import {

// A constant tensor. Integer tensors keep their int64 values; `values` holds every
// element as float either way.
struct Constant {
  std::vector<int64_t> dims;
  std::vector<float> values;
  std::vector<int64_t> ints;  // set for integer element types
  bool is_int = false;
  std::string name;  // the ONNX name (an initializer's name is reused for its weights)
  int64_t elements() const;
};

enum class ValueKind { kActivation, kConstant, kChannelPick, kPadded };

struct Value {
  ValueKind kind = ValueKind::kActivation;
  std::string node;  // our node (kActivation, kChannelPick, kPadded)
  int rank = 4;      // ONNX rank of the value (not of a constant)
  // kActivation: the ONNX name the node's output was first defined as (aliases keep it).
  std::string defined_as;
  Constant constant;
  // kChannelPick
  int64_t channel = 0;
  float scale = 1.0f, shift = 0.0f;
  std::string pick_origin;  // the Gather node, named in errors
  // kPadded: zero padding per side of the spatial dims (of our 4-D shape)
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::string pad_origin;  // the Pad node
};

class Context {
 public:
  Context(std::string source, int64_t opset) : source_(std::move(source)), opset_(opset) {}

  int64_t opset() const { return opset_; }
  const std::string& source() const { return source_; }

  // The node being converted: index, name and op type, used by Fail/Unsupported.
  void BeginNode(int index, const onnx::NodeProto& node);
  const onnx::NodeProto& node() const { return *node_; }
  const std::string& node_name() const { return node_name_; }
  // "m.onnx: node 3 "conv1" (Conv, opset 11): " + detail
  [[noreturn]] void Fail(const std::string& detail) const;
  [[noreturn]] void Unsupported(const std::string& detail) const;
  std::string Where() const;

  // Values by ONNX name.
  void Define(const std::string& onnx_name, Value value);
  const Value& Get(const std::string& onnx_name) const;  // fails if undefined
  bool Has(const std::string& onnx_name) const { return values_.count(onnx_name) > 0; }

  // The node's input i, whatever its kind; fails if it is missing.
  const Value& Input(int i) const;
  // The node's input i: an activation (plain, not padded or picked), or a constant.
  const Value& Activation(int i) const;
  const Constant& ConstantInput(int i) const;
  bool InputIsConstant(int i) const;
  bool HasInput(int i) const;  // present and not the empty name (an omitted optional)
  int InputCount() const { return node_->input_size(); }
  // Fails unless the node's outputs after the first are absent or unused by the graph.
  void RequireOnlyFirstOutputUsed() const;
  // How many nodes and graph outputs read an ONNX value.
  int UseCount(const std::string& onnx_name) const;
  void SetUseCounts(std::map<std::string, int> counts) { uses_ = std::move(counts); }

  // Adds a node to our graph and infers its shape (errors become this ONNX node's);
  // returns its name, `name_hint` made unique.
  std::string AddNode(OpKind op, OpAttrs attrs, std::vector<std::string> inputs,
                      std::map<std::string, std::string> params, const std::string& name_hint);
  Node& GraphNode(const std::string& name) { return graph_.at(name); }
  const Shape& ShapeOf(const std::string& node) const { return graph_.at(node).shape; }
  // Stores a weight tensor under `name_hint` (made unique unless it is the same tensor
  // already stored under that name) and returns its name.
  std::string AddWeight(const std::string& name_hint, Tensor tensor);

  // The activation as ONNX dims of its rank.
  std::vector<int64_t> OnnxDims(const Value& activation) const;
  // Defines output 0 of the current node as an activation of `rank`.
  void DefineActivation(const std::string& node, int rank);

  Graph& graph() { return graph_; }
  WeightMap& weights() { return weights_; }

 private:
  std::string source_;
  int64_t opset_;
  const onnx::NodeProto* node_ = nullptr;
  int node_index_ = -1;
  std::string node_name_;
  std::map<std::string, Value> values_;
  std::map<std::string, int> uses_;
  Graph graph_;
  WeightMap weights_;
  std::map<std::string, int> name_counts_;
};

// A constant as a weight tensor (float data, the same dims).
Tensor ToTensor(const Constant& c);

}  // namespace incept::onnx_import

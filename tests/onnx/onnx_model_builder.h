// Builds small ONNX models in memory (protobuf ModelProto) for the importer's tests.
//
//   OnnxBuilder b(13);
//   b.Input("x", {-1, 3, 8, 8});             // -1: a symbolic dimension
//   b.Initializer("w", {4, 3, 3, 3}, values);
//   b.Node("Conv", {"x", "w"}, {"y"}).Ints("pads", {1, 1, 1, 1});
//   b.Output("y");
//   std::string bytes = b.Bytes();
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

namespace incept::testing {

class OnnxNode {
 public:
  explicit OnnxNode(onnx::NodeProto* node) : node_(node) {}
  OnnxNode& Int(const std::string& name, int64_t v) {
    auto* a = Add(name, onnx::AttributeProto::INT);
    a->set_i(v);
    return *this;
  }
  OnnxNode& Float(const std::string& name, float v) {
    auto* a = Add(name, onnx::AttributeProto::FLOAT);
    a->set_f(v);
    return *this;
  }
  OnnxNode& String(const std::string& name, const std::string& v) {
    auto* a = Add(name, onnx::AttributeProto::STRING);
    a->set_s(v);
    return *this;
  }
  OnnxNode& Ints(const std::string& name, const std::vector<int64_t>& v) {
    auto* a = Add(name, onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
    return *this;
  }

 private:
  onnx::AttributeProto* Add(const std::string& name, onnx::AttributeProto_AttributeType type) {
    onnx::AttributeProto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(type);
    return a;
  }
  onnx::NodeProto* node_;
};

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int64_t opset) {
    model_.set_ir_version(8);
    auto* id = model_.add_opset_import();
    id->set_domain("");
    id->set_version(opset);
    model_.mutable_graph()->set_name("test");
  }

  void Input(const std::string& name, const std::vector<int64_t>& dims,
             int32_t type = onnx::TensorProto::FLOAT) {
    onnx::ValueInfoProto* in = model_.mutable_graph()->add_input();
    in->set_name(name);
    auto* t = in->mutable_type()->mutable_tensor_type();
    t->set_elem_type(type);
    for (int64_t d : dims) {
      auto* dim = t->mutable_shape()->add_dim();
      if (d < 0)
        dim->set_dim_param("batch");
      else
        dim->set_dim_value(d);
    }
  }

  onnx::TensorProto* Initializer(const std::string& name, const std::vector<int64_t>& dims,
                                 const std::vector<float>& values) {
    onnx::TensorProto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float v : values) t->add_float_data(v);
    return t;
  }

  onnx::TensorProto* IntInitializer(const std::string& name, const std::vector<int64_t>& dims,
                                    const std::vector<int64_t>& values) {
    onnx::TensorProto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims) t->add_dims(d);
    for (int64_t v : values) t->add_int64_data(v);
    return t;
  }

  OnnxNode Node(const std::string& op, const std::vector<std::string>& inputs,
                const std::vector<std::string>& outputs, const std::string& name = "") {
    onnx::NodeProto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? outputs.at(0) : name);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return OnnxNode(n);
  }

  void Output(const std::string& name) { model_.mutable_graph()->add_output()->set_name(name); }

  onnx::ModelProto& model() { return model_; }
  std::string Bytes() const { return model_.SerializeAsString(); }

 private:
  onnx::ModelProto model_;
};

// Seeded values in [-1, 1).
inline std::vector<float> Values(int64_t n, uint32_t seed) {
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 1;
  for (float& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / static_cast<float>(1 << 23) - 1.0f;
  }
  return v;
}

}  // namespace incept::testing

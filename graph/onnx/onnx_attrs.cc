#include "graph/onnx/onnx_attrs.h"

#include <cmath>

namespace incept::onnx_import {
namespace {

const char* TypeName(onnx::AttributeProto_AttributeType type) {
  switch (type) {
    case onnx::AttributeProto::INT:
      return "an int";
    case onnx::AttributeProto::FLOAT:
      return "a float";
    case onnx::AttributeProto::STRING:
      return "a string";
    case onnx::AttributeProto::INTS:
      return "a list of ints";
    case onnx::AttributeProto::FLOATS:
      return "a list of floats";
    case onnx::AttributeProto::TENSOR:
      return "a tensor";
    default:
      return "another type";
  }
}

}  // namespace

Attrs::Attrs(const Context& ctx) : ctx_(ctx) {
  std::set<std::string> seen;
  for (const onnx::AttributeProto& a : ctx.node().attribute()) {
    if (!seen.insert(a.name()).second) ctx.Fail("attribute \"" + a.name() + "\" appears twice");
    if (!a.ref_attr_name().empty())
      ctx.Unsupported("attribute \"" + a.name() + "\" refers to a function attribute");
  }
}

bool Attrs::Has(const std::string& name) const {
  for (const onnx::AttributeProto& a : ctx_.node().attribute())
    if (a.name() == name) return true;
  return false;
}

const onnx::AttributeProto* Attrs::Find(const std::string& name,
                                        onnx::AttributeProto_AttributeType type, int64_t since) {
  read_.insert(name);
  for (const onnx::AttributeProto& a : ctx_.node().attribute()) {
    if (a.name() != name) continue;
    if (ctx_.opset() < since)
      ctx_.Unsupported("attribute \"" + name + "\" is not defined before opset " +
                       std::to_string(since));
    // Writers that leave `type` unset are common; accept a value of the right kind.
    if (a.type() != type && a.type() != onnx::AttributeProto::UNDEFINED)
      ctx_.Fail("attribute \"" + name + "\" must be " + TypeName(type));
    return &a;
  }
  return nullptr;
}

int64_t Attrs::Int(const std::string& name, int64_t fallback, int64_t since) {
  const onnx::AttributeProto* a = Find(name, onnx::AttributeProto::INT, since);
  return a ? a->i() : fallback;
}

int64_t Attrs::RequiredInt(const std::string& name) {
  const onnx::AttributeProto* a = Find(name, onnx::AttributeProto::INT, 0);
  if (!a) ctx_.Fail("attribute \"" + name + "\" is required");
  return a->i();
}

// A float attribute becomes an op attribute of our graph, which holds finite numbers only
// (its JSON has no NaN or infinity): a non-finite value is refused by name.
float Attrs::Float(const std::string& name, float fallback, int64_t since) {
  const onnx::AttributeProto* a = Find(name, onnx::AttributeProto::FLOAT, since);
  if (a && !std::isfinite(a->f()))
    ctx_.Fail("attribute \"" + name + "\" is " + std::to_string(a->f()) + ", not a finite number");
  return a ? a->f() : fallback;
}

std::string Attrs::String(const std::string& name, const std::string& fallback, int64_t since) {
  const onnx::AttributeProto* a = Find(name, onnx::AttributeProto::STRING, since);
  return a ? a->s() : fallback;
}

std::vector<int64_t> Attrs::Ints(const std::string& name, std::vector<int64_t> fallback,
                                 int64_t since) {
  const onnx::AttributeProto* a = Find(name, onnx::AttributeProto::INTS, since);
  if (!a) return fallback;
  return {a->ints().begin(), a->ints().end()};
}

std::vector<float> Attrs::Floats(const std::string& name) {
  const onnx::AttributeProto* a = Find(name, onnx::AttributeProto::FLOATS, 0);
  if (!a) return {};
  for (float v : a->floats())
    if (!std::isfinite(v))
      ctx_.Fail("attribute \"" + name + "\" holds " + std::to_string(v) + ", not a finite number");
  return {a->floats().begin(), a->floats().end()};
}

const onnx::TensorProto* Attrs::TensorAttr(const std::string& name) {
  const onnx::AttributeProto* a = Find(name, onnx::AttributeProto::TENSOR, 0);
  return a ? &a->t() : nullptr;
}

void Attrs::Ignore(const std::string& name) { read_.insert(name); }

void Attrs::CheckAllRead() const {
  for (const onnx::AttributeProto& a : ctx_.node().attribute())
    if (!read_.count(a.name()))
      ctx_.Unsupported("attribute \"" + a.name() + "\" is not supported for " +
                       ctx_.node().op_type());
}

}  // namespace incept::onnx_import

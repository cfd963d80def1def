// Typed access to an ONNX node's attributes, with the spec's defaults given by the caller
// and the opset that introduced each attribute. It remembers what was read: after a
// converter ran, CheckAllRead() rejects any attribute it did not take, so an attribute we
// do not implement is an error naming it, never silently ignored.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "graph/onnx/onnx_context.h"

namespace incept::onnx_import {

class Attrs {
 public:
  explicit Attrs(const Context& ctx);

  bool Has(const std::string& name) const;
  // `since`: the opset that added the attribute to the op; present in an older opset it
  // is an error.
  int64_t Int(const std::string& name, int64_t fallback, int64_t since = 0);
  int64_t RequiredInt(const std::string& name);
  float Float(const std::string& name, float fallback, int64_t since = 0);
  std::string String(const std::string& name, const std::string& fallback, int64_t since = 0);
  std::vector<int64_t> Ints(const std::string& name, std::vector<int64_t> fallback,
                            int64_t since = 0);
  std::vector<float> Floats(const std::string& name);
  const onnx::TensorProto* TensorAttr(const std::string& name);  // nullptr if absent
  // Marks an attribute as taken without reading it (one with no effect at inference).
  void Ignore(const std::string& name);

  void CheckAllRead() const;

 private:
  const onnx::AttributeProto* Find(const std::string& name, onnx::AttributeProto_AttributeType type,
                                   int64_t since);
  const Context& ctx_;
  std::set<std::string> read_;
};

}  // namespace incept::onnx_import

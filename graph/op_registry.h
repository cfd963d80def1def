// The op table: for each OpKind, its JSON name and the functions that infer its output
// shape, list its parameters with their shapes, and count its multiply-adds.
//
// One entry per op (graph/ops/*.cc); no central switch. Every function throws Error with
// a message that names what is wrong (the caller prefixes the node).
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "graph/attr_reader.h"
#include "graph/graph.h"
#include "graph/op.h"
#include "graph/shape.h"
#include "graph/window_output_size.h"  // WindowOutputSize

namespace incept {

// Expected parameter shapes by role, e.g. {"weight": [64, 3, 7, 7], "bias": [64]}.
using ParamShapes = std::map<std::string, std::vector<int64_t>>;

struct OpInfo {
  OpKind kind;
  const char* name;  // as in JSON: "Conv2d", "MaxPool", ...
  int min_inputs, max_inputs;
  Shape (*infer_shape)(const Node& node, const std::vector<Shape>& inputs);
  ParamShapes (*param_shapes)(const Node& node, const std::vector<Shape>& inputs);
  // Multiply-adds for the whole batch of the given shapes (comparisons and divides of
  // pools, LRN and softmax are not counted, as is customary).
  int64_t (*macs)(const Node& node, const std::vector<Shape>& inputs);
  // JSON "attrs" object <-> OpAttrs. The reader throws on a missing or malformed value;
  // the caller rejects attributes the parser did not read.
  OpAttrs (*parse_attrs)(AttrReader& reader);
  void (*write_attrs)(const OpAttrs& attrs, nlohmann::json& out);
};

const OpInfo& GetOpInfo(OpKind kind);
const OpInfo* FindOpInfo(const std::string& name);  // nullptr if unknown
const char* OpName(OpKind kind);
const std::vector<OpInfo>& AllOps();

}  // namespace incept

// The import driver: parse the ModelProto (size-limited), check the opset, define the
// initializers and the one computed input, convert the nodes in order through the op
// table, then name the outputs and validate the result (InferShapes, CheckWeights).
#include "graph/onnx/onnx_import.h"

#include <google/protobuf/io/coded_stream.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <fstream>
#include <new>
#include <nlohmann/json.hpp>

#include "graph/json_io.h"
#include "graph/onnx/onnx_ops.h"
#include "graph/onnx/onnx_tensor.h"
#include "graph/shape_inference.h"

namespace incept {
namespace {

using onnx_import::Constant;
using onnx_import::Context;
using onnx_import::Value;
using onnx_import::ValueKind;

// Input dims above this are refused as absurd.
constexpr int64_t kMaxInputDim = 1 << 20;
constexpr int64_t kMaxInputElements = int64_t{1} << 31;

// Names become our node and tensor names, which JSON and safetensors hold as UTF-8: the
// same check as our JSON writer's (nlohmann's strict decoder: no overlong forms, no
// surrogates).
bool IsUtf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

void CheckName(const std::string& name, const std::string& what) {
  if (!IsUtf8(name)) throw Error(what + " has a name that is not valid UTF-8");
}

bool IsDefaultDomain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

int64_t DefaultOpset(const onnx::ModelProto& model, const std::string& source) {
  int64_t opset = -1;
  for (const onnx::OperatorSetIdProto& id : model.opset_import())
    if (IsDefaultDomain(id.domain())) opset = id.version();
  if (opset < 0) throw Error(source + ": no opset_import for the default ONNX domain");
  if (opset < kOnnxOldestOpset || opset > kOnnxMaxOpset)
    throw OnnxUnsupported(source + ": opset " + std::to_string(opset) + " is not supported (" +
                          std::to_string(kOnnxMinOpset) + " to " + std::to_string(kOnnxMaxOpset) +
                          ")");
  return opset;
}

// The computed input's dims: rank 2 to 4, float, a symbolic batch taken as 1.
Shape InputShape(const onnx::ValueInfoProto& input, const std::string& source) {
  const std::string what = source + ": input \"" + input.name() + "\"";
  if (!input.type().has_tensor_type()) throw OnnxUnsupported(what + " is not a tensor");
  const onnx::TypeProto_Tensor& t = input.type().tensor_type();
  if (t.elem_type() != onnx::TensorProto::FLOAT)
    throw OnnxUnsupported(what + " has element type " + std::to_string(t.elem_type()) +
                          " (only float32, type 1)");
  if (!t.has_shape()) throw OnnxUnsupported(what + " has no shape");
  std::vector<int64_t> dims;
  int64_t elements = 1;
  for (int i = 0; i < t.shape().dim_size(); ++i) {
    const onnx::TensorShapeProto_Dimension& d = t.shape().dim(i);
    int64_t v;
    if (d.has_dim_value()) {
      v = d.dim_value();
      if (v == 0)
        throw OnnxUnsupported(what + ": dimension " + std::to_string(i) +
                              " is 0 (empty tensors are not supported)");
      if (v < 1 || v > kMaxInputDim)
        throw Error(what + ": dimension " + std::to_string(i) + " is " + std::to_string(v) +
                    " (must be 1 to " + std::to_string(kMaxInputDim) + ")");
    } else if (i == 0) {
      v = 1;  // a symbolic batch: 1 by default, like our JSON's input shape
    } else {
      throw OnnxUnsupported(what + ": dimension " + std::to_string(i) +
                            " is symbolic (only the batch may be)");
    }
    elements *= v;
    if (elements > kMaxInputElements) throw Error(what + ": too many elements");
    dims.push_back(v);
  }
  try {
    return OnnxDimsToShape(dims);
  } catch (const Error& e) {
    throw OnnxUnsupported(what + ": " + e.what());
  }
}

std::map<std::string, int> UseCounts(const onnx::GraphProto& g) {
  std::map<std::string, int> uses;
  for (const onnx::NodeProto& n : g.node())
    for (const std::string& in : n.input()) ++uses[in];
  for (const onnx::ValueInfoProto& out : g.output()) ++uses[out.name()];
  return uses;
}

std::string SupportedOps() {
  std::string list;
  for (const onnx_import::OpEntry& e : onnx_import::OpTable())
    list += std::string(list.empty() ? "" : ", ") + e.op_type;
  return list;
}

void ConvertNode(Context& ctx, int index, const onnx::NodeProto& node) {
  ctx.BeginNode(index, node);
  if (!IsDefaultDomain(node.domain()))
    ctx.Unsupported("op of domain \"" + node.domain() + "\" is not supported");
  if (node.output_size() < 1 || node.output(0).empty()) ctx.Fail("has no output");
  const onnx_import::OpEntry* entry = onnx_import::FindOp(node.op_type());
  if (!entry) ctx.Unsupported("op is not supported (supported: " + SupportedOps() + ")");
  if (ctx.opset() < entry->first_opset)
    ctx.Unsupported("opset " + std::to_string(ctx.opset()) + " defines " + node.op_type() +
                    " as it was before opset " + std::to_string(entry->first_opset) +
                    " (supported: opsets 7 to 17, older ones only for ops unchanged since)");
  try {
    onnx_import::Attrs attrs(ctx);
    entry->convert(ctx, attrs);
    attrs.CheckAllRead();
  } catch (const OnnxUnsupported&) {
    throw;
  } catch (const Error& e) {
    const std::string where = ctx.Where();
    if (std::string(e.what()).compare(0, where.size(), where) == 0) throw;
    ctx.Fail(e.what());
  }
}

OnnxModel Import(const onnx::ModelProto& model, const std::string& source,
                 const OnnxImportOptions& options) {
  if (!model.has_graph()) throw Error(source + ": not an ONNX model (no graph)");
  const onnx::GraphProto& g = model.graph();
  Context ctx(source, DefaultOpset(model, source));
  CheckName(g.name(), source + ": the graph");
  for (const onnx::TensorProto& t : g.initializer())
    CheckName(t.name(), source + ": an initializer");
  for (const onnx::ValueInfoProto& v : g.input()) CheckName(v.name(), source + ": an input");
  for (const onnx::ValueInfoProto& v : g.output()) CheckName(v.name(), source + ": an output");
  for (int i = 0; i < g.node_size(); ++i)
    for (const std::string& out : g.node(i).output())
      CheckName(out, source + ": node " + std::to_string(i) + ": an output");
  if (g.sparse_initializer_size() > 0)
    throw OnnxUnsupported(source + ": sparse initializers are not supported");
  for (const onnx::TensorProto& init : g.initializer()) {
    Value v;
    v.kind = ValueKind::kConstant;
    v.constant =
        onnx_import::ConstantFromProto(init, source + ": initializer \"" + init.name() + "\"");
    v.constant.name = init.name();
    if (ctx.Has(init.name())) throw Error(source + ": initializer \"" + init.name() + "\" twice");
    ctx.Define(init.name(), std::move(v));
  }
  for (const auto& [name, tensor] : options.constant_inputs) {
    Value v;
    v.kind = ValueKind::kConstant;
    v.constant = onnx_import::ConstantFromTensor(tensor, name);
    ctx.Define(name, std::move(v));
  }
  int computed_inputs = 0;
  for (const onnx::ValueInfoProto& input : g.input()) {
    if (ctx.Has(input.name())) continue;  // an initializer listed as an input (IR < 4)
    if (++computed_inputs > 1)
      throw OnnxUnsupported(source + ": more than one computed input (\"" + input.name() +
                            "\"); the engine takes one");
    InputAttrs attrs;
    attrs.shape = InputShape(input, source);
    int rank = input.type().tensor_type().shape().dim_size();
    Value v;
    v.kind = ValueKind::kActivation;
    v.rank = rank;
    v.node = ctx.AddNode(OpKind::kInput, attrs, {}, {}, input.name());
    ctx.Define(input.name(), std::move(v));
  }
  if (computed_inputs == 0) throw OnnxUnsupported(source + ": the graph has no computed input");
  ctx.SetUseCounts(UseCounts(g));
  for (int i = 0; i < g.node_size(); ++i) ConvertNode(ctx, i, g.node(i));

  OnnxModel out;
  out.opset = ctx.opset();
  if (g.output_size() < 1) throw Error(source + ": the graph has no output");
  for (const onnx::ValueInfoProto& output : g.output()) {
    const std::string what = source + ": output \"" + output.name() + "\"";
    if (!ctx.Has(output.name())) throw Error(what + " is not produced by any node");
    const Value& v = ctx.Get(output.name());
    if (v.kind != ValueKind::kActivation)
      throw OnnxUnsupported(
          what + " is " +
          (v.kind == ValueKind::kConstant ? "a constant" : "an unfinished pattern") +
          " (outputs must be computed from the input)");
    std::string node = v.node;
    if (ctx.graph().at(node).op == OpKind::kInput) {
      // The output is the input (Identity, Dropout, a free reshape): an explicit copy, as
      // y = x * 1 + 0, so that the output has a buffer of its own.
      ChannelAffineAttrs copy;
      copy.scale.assign(ctx.ShapeOf(node).c, 1.0f);
      copy.shift.assign(ctx.ShapeOf(node).c, 0.0f);
      node = ctx.AddNode(OpKind::kChannelAffine, copy, {node}, {}, output.name());
    }
    auto& outs = ctx.graph().outputs;
    if (std::find(outs.begin(), outs.end(), node) != outs.end())
      throw OnnxUnsupported(what + " repeats another output");
    outs.push_back(node);
    out.output_ranks.push_back(v.rank);
  }
  ctx.graph().name = g.name().empty() ? "onnx" : g.name();
  // Constants folded into a ChannelAffine (arithmetic, transform_input) become attributes,
  // which must be finite (the graph's JSON has no NaN or infinity): a NaN, an infinity or an
  // overflow in the model's constants is refused naming the node.
  for (const Node& node : ctx.graph().nodes) {
    if (node.op != OpKind::kChannelAffine) continue;
    const ChannelAffineAttrs& a = node.attr<ChannelAffineAttrs>();
    for (size_t c = 0; c < a.scale.size(); ++c)
      if (!std::isfinite(a.scale[c]) || !std::isfinite(a.shift[c]))
        throw Error(source + ": \"" + node.name + "\": its constants give channel " +
                    std::to_string(c) + " the scale " + std::to_string(a.scale[c]) + " and shift " +
                    std::to_string(a.shift[c]) + " (not finite)");
  }
  out.graph = std::move(ctx.graph());
  out.weights = std::move(ctx.weights());
  try {
    InferShapes(out.graph);
    CheckWeights(out.graph, out.weights);
    // Every attribute obeys the rules a graph file's do (graph/json_io.h: finite numbers,
    // eps > 0, ...): the graph is written and read back, so one set of rules serves both.
    (void)GraphFromJson(GraphToJson(out.graph), "the imported graph");
  } catch (const Error& e) {
    throw Error(source + ": the imported graph is invalid: " + e.what());
  }
  return out;
}

std::vector<uint8_t> ReadFile(const std::string& path, size_t limit) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error(path + ": cannot open");
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error(path + ": cannot read");
  if (static_cast<uint64_t>(size) > limit)
    throw Error(path + ": " + std::to_string(size) + " bytes, more than the " +
                std::to_string(limit) + " accepted");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
    throw Error(path + ": cannot read");
  return bytes;
}

template <class Message>
void ParseMessage(const uint8_t* data, size_t size, const std::string& source, const char* what,
                  Message* message) {
  if (size > kOnnxMaxFileBytes || size > static_cast<size_t>(INT_MAX))
    throw Error(source + ": " + std::to_string(size) + " bytes, more than the " +
                std::to_string(kOnnxMaxFileBytes) + " accepted");
  google::protobuf::io::CodedInputStream stream(data, static_cast<int>(size));
  stream.SetTotalBytesLimit(static_cast<int>(size));
  if (!message->ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    throw Error(source + ": not a valid " + what + " (protobuf parsing failed)");
}

}  // namespace

OnnxModel ParseOnnx(const uint8_t* data, size_t size, const std::string& source,
                    const OnnxImportOptions& options) {
  onnx::ModelProto model;
  ParseMessage(data, size, source, "ONNX model", &model);
  try {
    return Import(model, source, options);
  } catch (const std::bad_alloc&) {
    throw Error(source + ": out of memory while importing");
  }
}

OnnxModel LoadOnnx(const std::string& path, const OnnxImportOptions& options) {
  std::vector<uint8_t> bytes = ReadFile(path, kOnnxMaxFileBytes);
  return ParseOnnx(bytes.data(), bytes.size(), path, options);
}

std::vector<std::string> OnnxSupportedOps() {
  std::vector<std::string> ops;
  for (const onnx_import::OpEntry& e : onnx_import::OpTable()) ops.push_back(e.op_type);
  std::sort(ops.begin(), ops.end());
  return ops;
}

bool IsOnnxPath(const std::string& path) {
  if (path.size() < 5) return false;
  std::string ext = path.substr(path.size() - 5);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".onnx";
}

Shape OnnxDimsToShape(const std::vector<int64_t>& dims) {
  switch (dims.size()) {
    case 2:
      return {dims[0], dims[1], 1, 1};
    case 3:
      return {dims[0], dims[1], 1, dims[2]};
    case 4:
      return {dims[0], dims[1], dims[2], dims[3]};
    default:
      throw OnnxUnsupported("rank " + std::to_string(dims.size()) +
                            " (tensors of rank 2, 3 or 4 only)");
  }
}

Tensor ParseOnnxTensor(const uint8_t* data, size_t size, const std::string& source) {
  onnx::TensorProto proto;
  ParseMessage(data, size, source, "ONNX tensor", &proto);
  try {
    return onnx_import::ToTensor(
        onnx_import::ConstantFromProto(proto, source + ": tensor \"" + proto.name() + "\""));
  } catch (const std::bad_alloc&) {
    throw Error(source + ": out of memory");
  }
}

Tensor LoadOnnxTensor(const std::string& path) {
  std::vector<uint8_t> bytes = ReadFile(path, kOnnxMaxFileBytes);
  return ParseOnnxTensor(bytes.data(), bytes.size(), path);
}

}  // namespace incept

// Elementwise arithmetic (Add, Sub, Mul, Div), Constant, and Gather of one channel.
//
// With one operand constant and broadcast per channel (or a scalar), each of Add, Sub,
// Mul and Div is an affine map per channel, y = x * scale[c] + shift[c]:
//   x + k: (1, k)   x - k: (1, -k)   k - x: (-1, k)   x * k: (k, 0)   x / k: (1/k, 0)
// It is folded into the Linear that produces x when x has no other reader (MatMul + Add
// becomes one Linear with bias: W' = scale * W, b' = scale * b + shift), otherwise it is a
// ChannelAffine node. On a picked channel (torchvision's transform_input) it composes into
// the pick's own scale and shift. Two activations can only be added, of the same shape.
#include <cmath>

#include "graph/onnx/onnx_ops.h"
#include "graph/onnx/onnx_tensor.h"

namespace incept::onnx_import {
namespace {

enum class Arith { kAdd, kSub, kMul, kDiv };

std::string DimsStr(const std::vector<int64_t>& dims) {
  Tensor t;
  t.dims = dims;
  return t.dims_str();
}

// y = x * scale + shift for `x op k` (k_first: `k op x`); false if not affine in x.
bool AffineOf(Arith op, bool k_first, float k, float* scale, float* shift) {
  *scale = 1.0f;
  *shift = 0.0f;
  switch (op) {
    case Arith::kAdd:
      *shift = k;
      return true;
    case Arith::kSub:
      if (k_first) {
        *scale = -1.0f;
        *shift = k;
      } else {
        *shift = -k;
      }
      return true;
    case Arith::kMul:
      *scale = k;
      return true;
    case Arith::kDiv:
      if (k_first) return false;
      *scale = 1.0f / k;
      return true;
  }
  return false;
}

float Apply(Arith op, float a, float b) {
  switch (op) {
    case Arith::kAdd:
      return a + b;
    case Arith::kSub:
      return a - b;
    case Arith::kMul:
      return a * b;
    case Arith::kDiv:
      return a / b;
  }
  return 0.0f;
}

// The constant as one value per channel of an activation of ONNX dims `dims` (numpy
// broadcasting, right-aligned): every axis but the channel axis must have size 1.
bool PerChannel(const Constant& k, const std::vector<int64_t>& dims, std::vector<float>* out) {
  const int64_t channels = dims[1];
  if (k.dims.size() > dims.size()) return false;
  const size_t offset = dims.size() - k.dims.size();
  bool per_channel = false;
  for (size_t i = 0; i < k.dims.size(); ++i) {
    if (k.dims[i] == 1) continue;
    if (i + offset != 1 || k.dims[i] != channels) return false;
    per_channel = true;
  }
  out->assign(channels, 0.0f);
  for (int64_t c = 0; c < channels; ++c) (*out)[c] = k.values[per_channel ? c : 0];
  return true;
}

// Scales and shifts the Linear `node` in place: W' = scale * W, b' = scale * b + shift.
void FoldIntoLinear(Context& ctx, const std::string& node_name, const std::vector<float>& scale,
                    const std::vector<float>& shift) {
  Node& node = ctx.GraphNode(node_name);
  auto& attrs = node.attr<LinearAttrs>();
  Tensor w = ctx.weights().at(node.params.at("weight"));
  const int64_t in = attrs.in_features;
  for (int64_t o = 0; o < attrs.out_features; ++o)
    for (int64_t i = 0; i < in; ++i) w.data[o * in + i] *= scale[o];
  Tensor b({attrs.out_features});
  if (attrs.has_bias) b = ctx.weights().at(node.params.at("bias"));
  for (int64_t o = 0; o < attrs.out_features; ++o) b.data[o] = b.data[o] * scale[o] + shift[o];
  node.params["weight"] = ctx.AddWeight(node_name + ".weight", std::move(w));
  node.params["bias"] = ctx.AddWeight(node_name + ".bias", std::move(b));
  attrs.has_bias = true;
}

void DefineConstantOutput(Context& ctx, Constant c) {
  Value v;
  v.kind = ValueKind::kConstant;
  c.name = ctx.node().output(0);
  v.constant = std::move(c);
  ctx.Define(ctx.node().output(0), std::move(v));
}

// Both operands constant: same dims, or one of them a single value.
void FoldConstants(Context& ctx, Arith op, const Constant& a, const Constant& b) {
  const bool a_one = a.elements() == 1, b_one = b.elements() == 1;
  if (a.dims != b.dims && !a_one && !b_one)
    ctx.Unsupported("broadcasting between two constants of different shapes");
  Constant out = a_one && !b_one ? b : a;
  out.is_int = a.is_int && b.is_int && op != Arith::kDiv;
  out.ints.clear();
  for (int64_t i = 0; i < out.elements(); ++i) {
    out.values[i] = Apply(op, a.values[a_one ? 0 : i], b.values[b_one ? 0 : i]);
    if (out.is_int) {
      const int64_t x = a.ints[a_one ? 0 : i], y = b.ints[b_one ? 0 : i];
      out.ints.push_back(op == Arith::kAdd ? x + y : op == Arith::kSub ? x - y : x * y);
    }
  }
  DefineConstantOutput(ctx, std::move(out));
}

void Binary(Context& ctx, Arith op) {
  if (ctx.InputCount() != 2 || !ctx.HasInput(0) || !ctx.HasInput(1)) ctx.Fail("needs two inputs");
  const Value& a = ctx.Input(0);
  const Value& b = ctx.Input(1);
  const bool a_const = a.kind == ValueKind::kConstant, b_const = b.kind == ValueKind::kConstant;
  if (a_const && b_const) return FoldConstants(ctx, op, a.constant, b.constant);
  if (!a_const && !b_const) {
    if (op != Arith::kAdd)
      ctx.Unsupported(ctx.node().op_type() +
                      " of two computed tensors is not supported (only their sum, Add)");
    const Value& x = ctx.Activation(0);
    const Value& y = ctx.Activation(1);
    if (ctx.OnnxDims(x) != ctx.OnnxDims(y))
      ctx.Unsupported("Add with broadcasting between computed tensors");
    return ctx.DefineActivation(
        ctx.AddNode(OpKind::kAdd, EmptyAttrs{}, {x.node, y.node}, {}, ctx.node().output(0)),
        x.rank);
  }
  const int x_index = a_const ? 1 : 0;
  const Value& x = a_const ? b : a;
  const Constant& k = a_const ? a.constant : b.constant;
  if (x.kind == ValueKind::kChannelPick) {
    if (k.elements() != 1)
      ctx.Unsupported(ctx.node().op_type() + " of a picked channel and a non-scalar constant");
    float scale, shift;
    if (!AffineOf(op, a_const, k.values[0], &scale, &shift))
      ctx.Unsupported("a constant divided by a picked channel");
    Value out = x;
    out.scale = x.scale * scale;
    out.shift = x.shift * scale + shift;
    ctx.Define(ctx.node().output(0), out);
    return;
  }
  const Value& act = ctx.Activation(x_index);
  const std::vector<int64_t> dims = ctx.OnnxDims(act);
  std::vector<float> values;
  if (!PerChannel(k, dims, &values))
    ctx.Unsupported(ctx.node().op_type() + " with a constant of shape " + ToTensor(k).dims_str() +
                    " on a tensor of " + "shape " + DimsStr(dims) +
                    " (only a scalar or one value per channel)");
  std::vector<float> scale(values.size()), shift(values.size());
  for (size_t c = 0; c < values.size(); ++c)
    if (!AffineOf(op, a_const, values[c], &scale[c], &shift[c]))
      ctx.Unsupported("a constant divided by a computed tensor");
  const std::string& x_name = ctx.node().input(x_index);
  // Folding changes the Linear's own output: only when this node is its one reader (an
  // alias of it would be a reader too).
  if (ctx.graph().at(act.node).op == OpKind::kLinear && x_name == act.defined_as &&
      ctx.UseCount(x_name) == 1) {
    FoldIntoLinear(ctx, act.node, scale, shift);
    return DefineAlias(ctx, act, act.rank);
  }
  ChannelAffineAttrs attrs;
  attrs.scale = scale;
  attrs.shift = shift;
  ctx.DefineActivation(
      ctx.AddNode(OpKind::kChannelAffine, attrs, {act.node}, {}, ctx.node().output(0)), act.rank);
}

}  // namespace

// Add, Sub, Mul, Div (opset 7, 13, 14): numpy broadcasting, no attributes.
void ConvertAdd(Context& ctx, Attrs&) { Binary(ctx, Arith::kAdd); }
void ConvertSub(Context& ctx, Attrs&) { Binary(ctx, Arith::kSub); }
void ConvertMul(Context& ctx, Attrs&) { Binary(ctx, Arith::kMul); }
void ConvertDiv(Context& ctx, Attrs&) { Binary(ctx, Arith::kDiv); }

// Constant (opset 1, 9, 11, 12, 13): exactly one of value (a tensor), value_float,
// value_floats, value_int, value_ints (these four since 12); sparse_value and the string
// forms are not supported.
void ConvertConstant(Context& ctx, Attrs& attrs) {
  Constant c;
  int given = 0;
  if (const onnx::TensorProto* t = attrs.TensorAttr("value")) {
    c = ConstantFromProto(*t, ctx.Where() + "attribute \"value\"");
    ++given;
  }
  if (attrs.Has("value_float")) {
    c = Constant{{}, {attrs.Float("value_float", 0.0f, 12)}, {}, false, ""};
    ++given;
  }
  if (attrs.Has("value_floats")) {
    std::vector<float> v = attrs.Floats("value_floats");
    c = Constant{{static_cast<int64_t>(v.size())}, v, {}, false, ""};
    ++given;
    if (ctx.opset() < 12)
      ctx.Unsupported("attribute \"value_floats\" is not defined before opset 12");
  }
  if (attrs.Has("value_int")) {
    const int64_t i = attrs.Int("value_int", 0, 12);
    c = Constant{{}, {static_cast<float>(i)}, {i}, true, ""};
    ++given;
  }
  if (attrs.Has("value_ints")) {
    std::vector<int64_t> v = attrs.Ints("value_ints", {}, 12);
    std::vector<float> f(v.begin(), v.end());
    c = Constant{{static_cast<int64_t>(v.size())}, f, v, true, ""};
    ++given;
  }
  if (given != 1) {
    attrs.CheckAllRead();  // names sparse_value or a string form, if that is what it has
    ctx.Fail("needs exactly one value attribute, got " + std::to_string(given));
  }
  DefineConstantOutput(ctx, std::move(c));
}

// Gather (opset 1, 11, 13): axis 0. Supported: one channel of an activation (axis 1, a
// scalar or one-element index), which must be put back by a Concat of all channels
// (torchvision's transform_input); see Value::kChannelPick.
void ConvertGather(Context& ctx, Attrs& attrs) {
  const Value& data = ctx.Activation(0);
  const Constant& indices = ctx.ConstantInput(1);
  const int64_t axis = NormalizeAxis(ctx, attrs.Int("axis", 0), data.rank, "axis");
  if (axis != 1 || indices.elements() != 1 || indices.dims.size() > 1 || !indices.is_int)
    ctx.Unsupported(
        "only one channel (axis 1, a single index) of a computed tensor, as in "
        "torchvision's transform_input");
  const int64_t channels = ctx.ShapeOf(data.node).c;
  int64_t channel = indices.ints[0];
  if (channel < -channels || channel >= channels)
    ctx.Fail("index " + std::to_string(channel) + " outside " + std::to_string(channels) +
             " channels");
  if (channel < 0) channel += channels;
  if (data.rank != 4) ctx.Unsupported("Gather of a channel of a tensor of rank other than 4");
  Value pick;
  pick.kind = ValueKind::kChannelPick;
  pick.node = data.node;
  pick.rank = indices.dims.empty() ? 3 : 4;
  pick.channel = channel;
  pick.pick_origin = ctx.node_name();
  ctx.Define(ctx.node().output(0), pick);
}

}  // namespace incept::onnx_import

// Per-position ops over the channel axis and the identities: BatchNormalization, LRN,
// Relu, Softmax, Dropout, Identity, Concat (including the end of torchvision's
// transform_input: the picked channels put back together as one ChannelAffine).
#include "graph/onnx/onnx_ops.h"

namespace incept::onnx_import {

int64_t NormalizeAxis(const Context& ctx, int64_t axis, int rank, const char* attr) {
  if (axis < -rank || axis >= rank)
    ctx.Fail(std::string("attribute \"") + attr + "\" " + std::to_string(axis) + " is outside [-" +
             std::to_string(rank) + ", " + std::to_string(rank) + ")");
  return axis < 0 ? axis + rank : axis;
}

void DefineAlias(Context& ctx, const Value& v, int rank) {
  Value alias = v;
  alias.rank = rank;
  ctx.Define(ctx.node().output(0), alias);
}

// BatchNormalization (opset 7, 9, 14, 15): X, scale, B, mean, var; epsilon 1e-5,
// momentum 0.9 (training only), spatial 1 (opsets 7-8), training_mode 0 (since 14).
void ConvertBatchNormalization(Context& ctx, Attrs& attrs) {
  ctx.RequireOnlyFirstOutputUsed();
  const Value& in = ctx.Activation(0);
  BatchNormAttrs a;
  a.eps = attrs.Float("epsilon", 1e-5f);
  attrs.Ignore("momentum");
  if (ctx.opset() < 9 && attrs.Int("spatial", 1) != 1)
    ctx.Unsupported("attribute \"spatial\" 0 (per-position statistics)");
  if (attrs.Int("training_mode", 0, 14) != 0)
    ctx.Unsupported("attribute \"training_mode\" 1 (batch statistics)");
  const int64_t channels = ctx.ShapeOf(in.node).c;
  static const char* kRoles[] = {"weight", "bias", "running_mean", "running_var"};
  std::map<std::string, std::string> params;
  for (int i = 1; i <= 4; ++i) {
    const Constant& c = ctx.ConstantInput(i);
    if (c.elements() != channels || c.dims.size() != 1)
      ctx.Fail("input " + std::to_string(i) + " " + ToTensor(c).dims_str() + " needs " +
               std::to_string(channels) + " values, one per channel");
    params[kRoles[i - 1]] = ctx.AddWeight(
        c.name.empty() ? ctx.node().output(0) + "." + kRoles[i - 1] : c.name, ToTensor(c));
  }
  ctx.DefineActivation(ctx.AddNode(OpKind::kBatchNorm, a, {in.node}, params, ctx.node().output(0)),
                       in.rank);
}

// LRN (opset 1, 13): size required, alpha 1e-4, beta 0.75, bias 1.0.
//   y = x / (bias + alpha / size * sum_{c' in [c - floor((size-1)/2), c + ceil((size-1)/2)]}
//   x[c']^2)^beta, the window of our LRN.
void ConvertLrn(Context& ctx, Attrs& attrs) {
  const Value& in = ctx.Activation(0);
  LrnAttrs a;
  const int64_t size = attrs.RequiredInt("size");
  if (size < 1 || size > 4096)
    ctx.Fail("attribute \"size\" " + std::to_string(size) + " out of range");
  a.size = static_cast<int>(size);
  a.alpha = attrs.Float("alpha", 1e-4f);
  a.beta = attrs.Float("beta", 0.75f);
  a.k = attrs.Float("bias", 1.0f);
  ctx.DefineActivation(ctx.AddNode(OpKind::kLRN, a, {in.node}, {}, ctx.node().output(0)), in.rank);
}

// Relu (opset 6, 13, 14): no attributes.
void ConvertRelu(Context& ctx, Attrs&) {
  const Value& in = ctx.Activation(0);
  ctx.DefineActivation(
      ctx.AddNode(OpKind::kReLU, EmptyAttrs{}, {in.node}, {}, ctx.node().output(0)), in.rank);
}

// Softmax. Opsets 1-12: axis 1; the input is seen as 2-D [prod(dims < axis),
// prod(dims >= axis)] and each row normalised. Opset 13: axis -1; normalised along that
// one axis. Ours normalises over the channels at each position, which is either when
// axis is 1 (opset 13) or when axis is 1 and every axis after the channels has size 1.
void ConvertSoftmax(Context& ctx, Attrs& attrs) {
  const Value& in = ctx.Activation(0);
  const bool per_axis = ctx.opset() >= 13;
  const int64_t axis = NormalizeAxis(ctx, attrs.Int("axis", per_axis ? -1 : 1), in.rank, "axis");
  const std::vector<int64_t> dims = ctx.OnnxDims(in);
  bool channels_only = axis == 1;
  if (!per_axis)
    for (size_t i = 2; i < dims.size(); ++i) channels_only = channels_only && dims[i] == 1;
  if (!channels_only)
    ctx.Unsupported("softmax over axis " + std::to_string(axis) + " of a rank-" +
                    std::to_string(in.rank) + " input" +
                    (per_axis ? "" : " (opset < 13 flattens from the axis)") +
                    ": only over the channel axis 1");
  ctx.DefineActivation(
      ctx.AddNode(OpKind::kSoftmax, EmptyAttrs{}, {in.node}, {}, ctx.node().output(0)), in.rank);
}

// Dropout (opset 7, 10, 12, 13): the identity at inference. ratio 0.5 (an attribute before
// 12, then input 1), seed (since 12), training_mode input (since 12) must be false; the
// mask output must be unused.
void ConvertDropout(Context& ctx, Attrs& attrs) {
  ctx.RequireOnlyFirstOutputUsed();
  const Value& in = ctx.Input(0);
  if (ctx.opset() < 12) {
    attrs.Float("ratio", 0.5f);
  } else {
    attrs.Int("seed", 0, 12);
    if (ctx.HasInput(2)) {
      const Constant& training = ctx.ConstantInput(2);
      if (training.elements() != 1 || training.values[0] != 0)
        ctx.Unsupported("input \"training_mode\" true");
    }
  }
  DefineAlias(ctx, in, in.rank);
}

// Identity (opset 1, 13, 14, 16): no attributes.
void ConvertIdentity(Context& ctx, Attrs&) {
  if (!ctx.HasInput(0)) ctx.Fail("input 0 is missing");
  const Value& in = ctx.Input(0);
  DefineAlias(ctx, in, in.rank);
}

namespace {

// Concat of channel picks of one activation, in channel order 0..C-1, each an affine map:
// one ChannelAffine.
void ConcatPicks(Context& ctx) {
  ChannelAffineAttrs a;
  std::string source;
  for (int i = 0; i < ctx.InputCount(); ++i) {
    const Value& v = ctx.Input(i);
    if (v.kind != ValueKind::kChannelPick || v.rank != 4)
      ctx.Unsupported(
          "a Concat of picked channels (transform_input) must take only rank-4 "
          "single channels");
    if (i == 0) source = v.node;
    if (v.node != source || v.channel != i)
      ctx.Unsupported(
          "a Concat of picked channels must take every channel of one tensor in "
          "order (torchvision's transform_input)");
    a.scale.push_back(v.scale);
    a.shift.push_back(v.shift);
  }
  if (ctx.ShapeOf(source).c != ctx.InputCount())
    ctx.Unsupported("a Concat of picked channels must take every channel of its source");
  ctx.DefineActivation(ctx.AddNode(OpKind::kChannelAffine, a, {source}, {}, ctx.node().output(0)),
                       4);
}

}  // namespace

// Concat (opset 4, 11, 13): axis required; inputs of the same rank. Only the channel axis.
void ConvertConcat(Context& ctx, Attrs& attrs) {
  if (ctx.InputCount() < 1) ctx.Fail("no inputs");
  const int64_t raw_axis = attrs.RequiredInt("axis");
  if (ctx.Input(0).kind == ValueKind::kChannelPick) return ConcatPicks(ctx);
  std::vector<std::string> inputs;
  int rank = 0;
  for (int i = 0; i < ctx.InputCount(); ++i) {
    const Value& v = ctx.Activation(i);
    if (i == 0) rank = v.rank;
    if (v.rank != rank) ctx.Fail("inputs of different ranks");
    inputs.push_back(v.node);
  }
  const int64_t axis = NormalizeAxis(ctx, raw_axis, rank, "axis");
  if (axis != 1)
    ctx.Unsupported("concatenation along axis " + std::to_string(axis) +
                    " (only the channel axis 1)");
  if (inputs.size() == 1) return DefineAlias(ctx, ctx.Input(0), rank);
  ctx.DefineActivation(ctx.AddNode(OpKind::kConcat, EmptyAttrs{}, inputs, {}, ctx.node().output(0)),
                       rank);
}

}  // namespace incept::onnx_import

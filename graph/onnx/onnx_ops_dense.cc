// Fully-connected and reshaping ops: Gemm and MatMul (our Linear), Flatten, Reshape and
// Unsqueeze. A reshape of an activation is free when our NCHW view of the new dims is the
// shape we already hold ((N, F) and (N, F, 1, 1) are the same); otherwise only flattening
// to (N, F) is supported (our Flatten).
#include "graph/onnx/onnx_ops.h"

namespace incept::onnx_import {
namespace {

int64_t Product(const std::vector<int64_t>& v, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to; ++i) p *= v[i];
  return p;
}

std::string DimsStr(const std::vector<int64_t>& dims) {
  Tensor t;
  t.dims = dims;
  return t.dims_str();
}

// Output 0 := `in` (an activation) viewed with ONNX dims `target`.
void ReshapeActivation(Context& ctx, const Value& in, const std::vector<int64_t>& target) {
  const std::vector<int64_t> dims = ctx.OnnxDims(in);
  const std::string what = "reshape of " + DimsStr(dims) + " to " + DimsStr(target);
  if (Product(target, 0, target.size()) != Product(dims, 0, dims.size()))
    ctx.Fail(what + ": the element counts differ");
  if (target.size() < 2 || target.size() > 4 || target[0] != dims[0])
    ctx.Unsupported(what + ": the batch axis must stay first and the rank be 2 to 4");
  if (OnnxDimsToShape(target) == ctx.ShapeOf(in.node))
    return DefineAlias(ctx, in, static_cast<int>(target.size()));
  if (target.size() != 2) ctx.Unsupported(what + ": only flattening to (N, F) moves data");
  ctx.DefineActivation(
      ctx.AddNode(OpKind::kFlatten, EmptyAttrs{}, {in.node}, {}, ctx.node().output(0)), 2);
}

void DefineConstant(Context& ctx, Constant c) {
  Value v;
  v.kind = ValueKind::kConstant;
  c.name = ctx.node().output(0);
  v.constant = std::move(c);
  ctx.Define(ctx.node().output(0), std::move(v));
}

// Input 0 reshaped to `target`: an activation, or a constant (new dims, same data).
void Reshape(Context& ctx, const std::vector<int64_t>& target) {
  const Value& in = ctx.Input(0);
  if (in.kind == ValueKind::kConstant) {
    Constant c = in.constant;
    if (Product(target, 0, target.size()) != c.elements())
      ctx.Fail("reshape of " + DimsStr(c.dims) + " to " + DimsStr(target) +
               ": the element counts differ");
    c.dims = target;
    return DefineConstant(ctx, std::move(c));
  }
  ReshapeActivation(ctx, ctx.Activation(0), target);
}

std::vector<int64_t> InputDims(Context& ctx) {
  const Value& in = ctx.Input(0);
  if (in.kind == ValueKind::kConstant) return in.constant.dims;
  return ctx.OnnxDims(ctx.Activation(0));
}

// The Linear weight [out, in] = alpha * (transB ? B : B^T) of a rank-2 B.
Tensor LinearWeight(Context& ctx, const Constant& b, bool trans_b, float alpha, int64_t in) {
  if (b.dims.size() != 2) ctx.Fail("B must be 2-D, got " + DimsStr(b.dims));
  const int64_t k = trans_b ? b.dims[1] : b.dims[0], n = trans_b ? b.dims[0] : b.dims[1];
  if (k != in)
    ctx.Fail("B " + DimsStr(b.dims) + " does not take " + std::to_string(in) + " features");
  Tensor w({n, k});
  for (int64_t o = 0; o < n; ++o)
    for (int64_t i = 0; i < k; ++i)
      w.data[o * k + i] = alpha * (trans_b ? b.values[o * k + i] : b.values[i * n + o]);
  return w;
}

// A rank-2 activation (N, K) as the input of a Linear.
const Value& MatrixInput(Context& ctx) {
  const Value& a = ctx.Activation(0);
  if (a.rank != 2)
    ctx.Unsupported("input A of rank " + std::to_string(a.rank) + " (only 2-D A: flatten first)");
  return a;
}

}  // namespace

// Gemm (opset 7, 9, 11, 13): Y = alpha * A' B' + beta * C; alpha 1.0, beta 1.0, transA 0,
// transB 0; C optional (since 11), broadcast to (M, N). A is the activation (transA 0),
// B and C constants; C must be the same for every row.
void ConvertGemm(Context& ctx, Attrs& attrs) {
  const Value& a = MatrixInput(ctx);
  const float alpha = attrs.Float("alpha", 1.0f), beta = attrs.Float("beta", 1.0f);
  if (attrs.Int("transA", 0) != 0)
    ctx.Unsupported("attribute \"transA\" 1 (A is the activation, one row per image)");
  const bool trans_b = attrs.Int("transB", 0) != 0;
  const Constant& b = ctx.ConstantInput(1);
  const int64_t features = ctx.ShapeOf(a.node).c;
  Tensor w = LinearWeight(ctx, b, trans_b, alpha, features);
  LinearAttrs la;
  la.in_features = static_cast<int>(features);
  la.out_features = static_cast<int>(w.dims[0]);
  la.has_bias = false;
  const std::string name = ctx.node().output(0);
  std::map<std::string, std::string> params;
  const bool reuse = trans_b && alpha == 1.0f && !b.name.empty();
  params["weight"] = ctx.AddWeight(reuse ? b.name : name + ".weight", std::move(w));
  if (ctx.HasInput(2) && beta != 0.0f) {
    const Constant& c = ctx.ConstantInput(2);
    const int64_t n = la.out_features;
    const bool scalar = c.elements() == 1;
    const bool row =
        c.elements() == n && (c.dims.size() == 1 || (c.dims.size() == 2 && c.dims[0] == 1));
    if (!scalar && !row)
      ctx.Unsupported("C " + DimsStr(c.dims) + " differs per row (only a scalar or one row of " +
                      std::to_string(n) + ")");
    Tensor bias({n});
    for (int64_t o = 0; o < n; ++o) bias.data[o] = beta * c.values[scalar ? 0 : o];
    const bool reuse_c = row && c.dims.size() == 1 && beta == 1.0f && !c.name.empty();
    params["bias"] = ctx.AddWeight(reuse_c ? c.name : name + ".bias", std::move(bias));
    la.has_bias = true;
  }
  ctx.DefineActivation(ctx.AddNode(OpKind::kLinear, la, {a.node}, params, name), 2);
}

// MatMul (opset 1, 9, 13): A (N, K) activation times constant B (K, M): a Linear without
// bias (an Add of a constant row that follows becomes its bias).
void ConvertMatMul(Context& ctx, Attrs&) {
  const Value& a = MatrixInput(ctx);
  const Constant& b = ctx.ConstantInput(1);
  const int64_t features = ctx.ShapeOf(a.node).c;
  Tensor w = LinearWeight(ctx, b, false, 1.0f, features);
  LinearAttrs la;
  la.in_features = static_cast<int>(features);
  la.out_features = static_cast<int>(w.dims[0]);
  la.has_bias = false;
  const std::string name = ctx.node().output(0);
  std::map<std::string, std::string> params{
      {"weight", ctx.AddWeight(name + ".weight", std::move(w))}};
  ctx.DefineActivation(ctx.AddNode(OpKind::kLinear, la, {a.node}, params, name), 2);
}

// Flatten (opset 1, 9, 11, 13): axis 1 (negative since 11); output (prod(dims < axis),
// prod(dims >= axis)).
void ConvertFlatten(Context& ctx, Attrs& attrs) {
  const std::vector<int64_t> dims = InputDims(ctx);
  const int rank = static_cast<int>(dims.size());
  int64_t axis = attrs.Int("axis", 1);
  if (axis < 0 && ctx.opset() < 11) ctx.Fail("negative \"axis\" before opset 11");
  if (axis == rank) {
    axis = rank;  // allowed: (prod(all), 1)
  } else {
    axis = NormalizeAxis(ctx, axis, rank, "axis");
  }
  Reshape(ctx, {Product(dims, 0, axis), Product(dims, axis, dims.size())});
}

// Reshape (opset 5, 13, 14): shape input (constant int64); a 0 copies the input's dim
// (unless allowzero 1, since 14), one -1 is inferred.
void ConvertReshape(Context& ctx, Attrs& attrs) {
  const std::vector<int64_t> dims = InputDims(ctx);
  const bool allow_zero = attrs.Int("allowzero", 0, 14) != 0;
  const Constant& shape = ctx.ConstantInput(1);
  if (!shape.is_int || shape.dims.size() != 1)
    ctx.Fail("input \"shape\" must be a 1-D int64 tensor");
  std::vector<int64_t> target = shape.ints;
  const int64_t total = Product(dims, 0, dims.size());
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !allow_zero) {
      if (i >= dims.size()) ctx.Fail("shape has a 0 beyond the input's rank");
      target[i] = dims[i];
    }
    if (target[i] == -1) {
      if (infer >= 0) ctx.Fail("shape has more than one -1");
      infer = static_cast<int>(i);
      continue;
    }
    if (target[i] < 0 || (target[i] > 0 && known > total / target[i]))
      ctx.Fail("shape " + DimsStr(shape.ints) + " does not fit " + DimsStr(dims));
    known *= target[i];
  }
  if (infer >= 0) {
    if (known == 0 || total % known)
      ctx.Fail("shape " + DimsStr(shape.ints) + " does not fit " + DimsStr(dims));
    target[infer] = total / known;
  }
  Reshape(ctx, target);
}

// Unsqueeze (opset 1, 11, 13): axes (an attribute before 13, then input 1), each in
// [-r', r') of the output rank r'.
void ConvertUnsqueeze(Context& ctx, Attrs& attrs) {
  std::vector<int64_t> axes;
  if (ctx.opset() < 13) {
    if (!attrs.Has("axes")) ctx.Fail("attribute \"axes\" is required");
    axes = attrs.Ints("axes", {});
  } else {
    const Constant& c = ctx.ConstantInput(1);
    if (!c.is_int) ctx.Fail("input \"axes\" must be int64");
    axes = c.ints;
  }
  const Value& in = ctx.Input(0);
  const int in_rank =
      in.kind == ValueKind::kConstant ? static_cast<int>(in.constant.dims.size()) : in.rank;
  const int out_rank = in_rank + static_cast<int>(axes.size());
  std::vector<bool> inserted(out_rank, false);
  for (int64_t a : axes) {
    const int64_t n = NormalizeAxis(ctx, a, out_rank, "axes");
    if (inserted[n]) ctx.Fail("axis " + std::to_string(a) + " repeated");
    inserted[n] = true;
  }
  if (in.kind == ValueKind::kChannelPick) {
    // (N, H, W) of one channel -> (N, 1, H, W): the pick, now as a channel.
    if (in.rank != 3 || axes.size() != 1 || !inserted[1])
      ctx.Unsupported("Unsqueeze of a picked channel other than at axis 1");
    Value out = in;
    out.rank = 4;
    ctx.Define(ctx.node().output(0), out);
    return;
  }
  const std::vector<int64_t> dims = InputDims(ctx);
  std::vector<int64_t> target;
  for (int i = 0, j = 0; i < out_rank; ++i) target.push_back(inserted[i] ? 1 : dims[j++]);
  Reshape(ctx, target);
}

}  // namespace incept::onnx_import

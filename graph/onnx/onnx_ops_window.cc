// Sliding-window ops: Conv, MaxPool, AveragePool, GlobalAveragePool, and Pad (zeros),
// which the next window op takes into its own padding.
//
// ONNX windows have one entry per spatial axis: kernel_shape [k1, k2], strides [s1, s2],
// dilations [d1, d2], pads [b1, b2, e1, e2] (begins, then ends). A 1-D window (rank-3
// input (N, C, L), held as (N, C, 1, L)) becomes a 2-D one of height 1.
// auto_pad SAME_UPPER / SAME_LOWER pad so that out = ceil(in / stride):
//   total = max(0, (out - 1) * stride + (k - 1) * d + 1 - in)
// the odd pixel at the end (UPPER) or the beginning (LOWER). The pads are computed for the
// model's default input size.
#include <algorithm>

#include "graph/onnx/onnx_ops.h"
#include "graph/op_registry.h"

namespace incept::onnx_import {
namespace {

// Larger window parameters are refused as absurd.
constexpr int64_t kMaxWindowParam = 1 << 16;
// A dilated conv's expanded kernel may hold at most this many weights.
constexpr int64_t kMaxDilatedWeights = int64_t{1} << 28;

struct WindowSpec {
  std::vector<int64_t> kernel, strides, dilations, begin, end;
};

// The spatial input sizes of an activation of ONNX rank 3 or 4.
std::vector<int64_t> SpatialSizes(Context& ctx, const Value& in) {
  const Shape& s = ctx.ShapeOf(in.node);
  if (in.rank == 4) return {s.h, s.w};
  if (in.rank == 3) return {s.w};
  ctx.Unsupported("input of rank " + std::to_string(in.rank) +
                  ": window ops take rank 3 (N, C, L) or 4 (N, C, H, W)");
}

void CheckList(Context& ctx, const char* attr, const std::vector<int64_t>& v, size_t count,
               int64_t min) {
  if (v.size() != count)
    ctx.Fail(std::string("attribute \"") + attr + "\" has " + std::to_string(v.size()) +
             " values, expected " + std::to_string(count));
  for (int64_t x : v)
    if (x < min || x > kMaxWindowParam)
      ctx.Fail(std::string("attribute \"") + attr + "\" value " + std::to_string(x) +
               " is out of range [" + std::to_string(min) + ", " + std::to_string(kMaxWindowParam) +
               "]");
}

// Reads strides, pads, auto_pad (and dilations if `dilations_since` >= 0) for a window of
// `kernel` over `in`.
WindowSpec ReadWindow(Context& ctx, Attrs& attrs, const Value& in, std::vector<int64_t> kernel,
                      int64_t dilations_since) {
  const std::vector<int64_t> sizes = SpatialSizes(ctx, in);
  const size_t n = sizes.size();
  WindowSpec w;
  w.kernel = std::move(kernel);
  CheckList(ctx, "kernel_shape", w.kernel, n, 1);
  w.strides = attrs.Ints("strides", std::vector<int64_t>(n, 1));  // default 1 per axis
  CheckList(ctx, "strides", w.strides, n, 1);
  w.dilations = std::vector<int64_t>(n, 1);  // default 1 per axis
  if (dilations_since >= 0) w.dilations = attrs.Ints("dilations", w.dilations, dilations_since);
  CheckList(ctx, "dilations", w.dilations, n, 1);
  const std::string auto_pad = attrs.String("auto_pad", "NOTSET");  // default NOTSET
  std::vector<int64_t> pads(2 * n, 0);                              // default 0
  if (attrs.Has("pads")) {
    if (auto_pad != "NOTSET")
      ctx.Fail("attributes \"pads\" and \"auto_pad\" " + auto_pad + " exclude each other");
    pads = attrs.Ints("pads", pads);
    CheckList(ctx, "pads", pads, 2 * n, 0);
  }
  w.begin.assign(pads.begin(), pads.begin() + n);
  w.end.assign(pads.begin() + n, pads.end());
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (size_t i = 0; i < n; ++i) {
      const int64_t out = (sizes[i] + w.strides[i] - 1) / w.strides[i];
      const int64_t extent = (w.kernel[i] - 1) * w.dilations[i] + 1;
      const int64_t total = std::max<int64_t>(0, (out - 1) * w.strides[i] + extent - sizes[i]);
      const int64_t small = total / 2;
      w.begin[i] = auto_pad == "SAME_UPPER" ? small : total - small;
      w.end[i] = total - w.begin[i];
    }
    if (in.kind == ValueKind::kPadded)
      ctx.Unsupported("auto_pad " + auto_pad + " after Pad node \"" + in.pad_origin + "\"");
  } else if (auto_pad != "NOTSET" && auto_pad != "VALID") {
    ctx.Fail("attribute \"auto_pad\" value \"" + auto_pad +
             "\" is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
  }
  return w;
}

// The 2-D window of a spec whose dilations are 1, with the extra padding of a folded Pad.
Window2d ToWindow2d(const WindowSpec& w, const Value& padded) {
  Window2d out;
  const bool two_d = w.kernel.size() == 2;
  const int a = two_d ? 1 : 0;  // index of the width axis in the spec
  out.kernel_h = two_d ? static_cast<int>(w.kernel[0]) : 1;
  out.kernel_w = static_cast<int>(w.kernel[a]);
  out.stride_h = two_d ? static_cast<int>(w.strides[0]) : 1;
  out.stride_w = static_cast<int>(w.strides[a]);
  out.pad_top = (two_d ? static_cast<int>(w.begin[0]) : 0) + padded.pad_top;
  out.pad_bottom = (two_d ? static_cast<int>(w.end[0]) : 0) + padded.pad_bottom;
  out.pad_left = static_cast<int>(w.begin[a]) + padded.pad_left;
  out.pad_right = static_cast<int>(w.end[a]) + padded.pad_right;
  return out;
}

// Input 0 of a window op: an activation, possibly zero-padded by a Pad node (returned in
// the pad fields of the result, whose kind is then kPadded).
Value WindowInput(Context& ctx) {
  if (!ctx.HasInput(0)) ctx.Fail("input 0 is missing");
  const Value& v = ctx.Input(0);
  if (v.kind == ValueKind::kPadded) return v;
  Value plain = ctx.Activation(0);
  return plain;
}

bool IsPadded(const Value& v) { return v.kind == ValueKind::kPadded; }

// Ceil mode: ONNX keeps a last window that starts in the end padding, PyTorch (our IR)
// drops it; such a window is refused rather than computed differently.
void CheckCeilWindows(Context& ctx, const Value& in, const Window2d& w, bool ceil_mode) {
  if (!ceil_mode) return;
  const Shape& s = ctx.ShapeOf(in.node);
  auto onnx_size = [](int64_t size, int k, int stride, int pb, int pe) {
    return (size + pb + pe - k + stride - 1) / stride + 1;
  };
  if (onnx_size(s.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom) !=
          WindowOutputSize(s.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, true) ||
      onnx_size(s.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right) !=
          WindowOutputSize(s.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, true))
    ctx.Unsupported("ceil_mode: the last window would start inside the end padding");
}

void CheckPoolPads(Context& ctx, const Window2d& w) {
  if (w.pad_top * 2 > w.kernel_h || w.pad_bottom * 2 > w.kernel_h || w.pad_left * 2 > w.kernel_w ||
      w.pad_right * 2 > w.kernel_w)
    ctx.Unsupported("pads larger than half the kernel (every window must overlap the input)");
}

// Spreads kernel taps `d` apart: w'[.., i*d] = w[.., i], zeros between (a dilated conv is
// a conv with this larger kernel).
Tensor DilateKernel(const Constant& w, int64_t kh, int64_t kw, int64_t dh, int64_t dw) {
  const int64_t eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
  const int64_t planes = w.elements() / (kh * kw);
  Tensor out({w.dims[0], w.dims[1], eh, ew});
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j)
        out.data[(p * eh + i * dh) * ew + j * dw] = w.values[(p * kh + i) * kw + j];
  return out;
}

}  // namespace

// Conv (opset 1, 11): X, W, optional B. auto_pad NOTSET, dilations 1, group 1,
// kernel_shape from W, pads 0, strides 1.
void ConvertConv(Context& ctx, Attrs& attrs) {
  Value in = WindowInput(ctx);
  const Constant& weight = ctx.ConstantInput(1);
  const int spatial = in.rank - 2;
  if (static_cast<int>(weight.dims.size()) != spatial + 2)
    ctx.Unsupported("weight of rank " + std::to_string(weight.dims.size()) +
                    " for an input of rank " + std::to_string(in.rank) +
                    " (1-D and 2-D convolutions only)");
  std::vector<int64_t> kernel(weight.dims.begin() + 2, weight.dims.end());
  if (attrs.Has("kernel_shape") && attrs.Ints("kernel_shape", {}) != kernel)
    ctx.Fail("attribute \"kernel_shape\" differs from the weight's spatial dims");
  attrs.Ints("kernel_shape", {});
  WindowSpec spec = ReadWindow(ctx, attrs, in, kernel, 0);
  const int64_t group = attrs.Int("group", 1);  // default 1
  const Shape& shape = ctx.ShapeOf(in.node);
  if (group < 1 || weight.dims[0] % group || weight.dims[1] * group != shape.c)
    ctx.Fail("weight " + ToTensor(weight).dims_str() + " with group " + std::to_string(group) +
             " does not fit " + std::to_string(shape.c) + " input channels");
  const int64_t kh = spatial == 2 ? kernel[0] : 1, kw = kernel.back();
  const int64_t dh = spatial == 2 ? spec.dilations[0] : 1, dw = spec.dilations.back();
  const int64_t eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;  // kh, dh <= kMaxWindowParam
  if (eh > kMaxWindowParam || ew > kMaxWindowParam ||
      weight.elements() / (kh * kw) > kMaxDilatedWeights / (eh * ew))
    ctx.Unsupported("the dilated kernel would be too large");
  Tensor w = DilateKernel(weight, kh, kw, dh, dw);
  spec.kernel =
      spatial == 2 ? std::vector<int64_t>{w.dims[2], w.dims[3]} : std::vector<int64_t>{w.dims[3]};

  Conv2dAttrs a;
  a.in_channels = static_cast<int>(shape.c);
  a.out_channels = static_cast<int>(weight.dims[0]);
  a.window = ToWindow2d(spec, in);
  a.groups = static_cast<int>(group);
  const std::string name = ctx.node().output(0);
  const bool reuse = dh == 1 && dw == 1 && spatial == 2 && !weight.name.empty();
  std::map<std::string, std::string> params{
      {"weight", ctx.AddWeight(reuse ? weight.name : name + ".weight", std::move(w))}};
  if (ctx.HasInput(2)) {
    const Constant& bias = ctx.ConstantInput(2);
    if (bias.elements() != a.out_channels || bias.dims.size() != 1)
      ctx.Fail("bias " + ToTensor(bias).dims_str() + " needs " + std::to_string(a.out_channels) +
               " values");
    a.has_bias = true;
    params["bias"] = ctx.AddWeight(bias.name.empty() ? name + ".bias" : bias.name, ToTensor(bias));
  }
  ctx.DefineActivation(ctx.AddNode(OpKind::kConv2d, a, {in.node}, params, name), in.rank);
}

// MaxPool (opset 1, 8, 10, 11, 12): kernel_shape required, auto_pad NOTSET, ceil_mode 0
// (since 10), dilations 1 (since 10), pads 0, storage_order 0 (since 8; only the Indices
// output depends on it), strides 1.
void ConvertMaxPool(Context& ctx, Attrs& attrs) {
  ctx.RequireOnlyFirstOutputUsed();
  Value in = WindowInput(ctx);
  if (!attrs.Has("kernel_shape")) ctx.Fail("attribute \"kernel_shape\" is required");
  WindowSpec spec = ReadWindow(ctx, attrs, in, attrs.Ints("kernel_shape", {}), 10);
  for (int64_t d : spec.dilations)
    if (d != 1) ctx.Unsupported("attribute \"dilations\" other than 1");
  attrs.Int("storage_order", 0, 8);
  PoolAttrs a;
  a.ceil_mode = attrs.Int("ceil_mode", 0, 10) != 0;
  a.window = ToWindow2d(spec, in);
  if (IsPadded(in) && ctx.graph().at(in.node).op != OpKind::kReLU)
    ctx.Unsupported("MaxPool after Pad node \"" + in.pad_origin +
                    "\": its zeros equal MaxPool's padding only for non-negative input "
                    "(a ReLU's output)");
  CheckPoolPads(ctx, a.window);
  CheckCeilWindows(ctx, in, a.window, a.ceil_mode);
  ctx.DefineActivation(ctx.AddNode(OpKind::kMaxPool, a, {in.node}, {}, ctx.node().output(0)),
                       in.rank);
}

// AveragePool (opset 1, 7, 10, 11): kernel_shape required, auto_pad NOTSET, ceil_mode 0
// (since 10), count_include_pad 0 (since 7), pads 0, strides 1. A Pad before it is the
// same as its own padding counted in the divisor (count_include_pad 1).
void ConvertAveragePool(Context& ctx, Attrs& attrs) {
  Value in = WindowInput(ctx);
  if (!attrs.Has("kernel_shape")) ctx.Fail("attribute \"kernel_shape\" is required");
  WindowSpec spec = ReadWindow(ctx, attrs, in, attrs.Ints("kernel_shape", {}), -1);
  PoolAttrs a;
  a.ceil_mode = attrs.Int("ceil_mode", 0, 10) != 0;
  a.count_include_pad = attrs.Int("count_include_pad", 0, 7) != 0;
  const bool own_pads =
      std::any_of(spec.begin.begin(), spec.begin.end(), [](int64_t p) { return p; }) ||
      std::any_of(spec.end.begin(), spec.end.end(), [](int64_t p) { return p; });
  if (IsPadded(in)) {
    if (!a.count_include_pad && own_pads)
      ctx.Unsupported("AveragePool with pads and count_include_pad 0 after Pad node \"" +
                      in.pad_origin + "\"");
    a.count_include_pad = true;
  }
  a.window = ToWindow2d(spec, in);
  CheckPoolPads(ctx, a.window);
  CheckCeilWindows(ctx, in, a.window, a.ceil_mode);
  ctx.DefineActivation(ctx.AddNode(OpKind::kAvgPool, a, {in.node}, {}, ctx.node().output(0)),
                       in.rank);
}

// GlobalAveragePool (opset 1): no attributes; the mean over all spatial positions.
void ConvertGlobalAveragePool(Context& ctx, Attrs&) {
  const Value& in = ctx.Activation(0);
  if (in.rank < 3) ctx.Unsupported("input of rank 2 has no spatial axes");
  AdaptiveAvgPoolAttrs a;
  ctx.DefineActivation(
      ctx.AddNode(OpKind::kAdaptiveAvgPool, a, {in.node}, {}, ctx.node().output(0)), in.rank);
}

// Pad (opset 2: pads attribute; 11, 13: pads and constant_value inputs): mode "constant"
// (default), value 0 (default). Only zero padding of the spatial axes is supported; it
// is taken into the padding of the Conv or pool that reads it.
void ConvertPad(Context& ctx, Attrs& attrs) {
  const Value& in = ctx.Activation(0);
  const std::string mode = attrs.String("mode", "constant");
  if (mode != "constant") ctx.Unsupported("attribute \"mode\" \"" + mode + "\" (only constant)");
  std::vector<int64_t> pads;
  float value = 0.0f;
  if (ctx.opset() < 11) {
    if (!attrs.Has("pads")) ctx.Fail("attribute \"pads\" is required");
    pads = attrs.Ints("pads", {});
    value = attrs.Float("value", 0.0f);
  } else {
    const Constant& p = ctx.ConstantInput(1);
    if (!p.is_int) ctx.Fail("input \"pads\" must be int64");
    pads = p.ints;
    if (ctx.HasInput(2)) {
      const Constant& v = ctx.ConstantInput(2);
      if (v.elements() != 1) ctx.Fail("input \"constant_value\" must be a scalar");
      value = v.values[0];
    }
    if (ctx.HasInput(3)) ctx.Unsupported("input \"axes\"");
  }
  if (value != 0.0f) ctx.Unsupported("padding with " + std::to_string(value) + " (only zeros)");
  if (static_cast<int>(pads.size()) != 2 * in.rank)
    ctx.Fail("pads has " + std::to_string(pads.size()) + " values, expected " +
             std::to_string(2 * in.rank));
  for (int64_t p : pads)
    if (p < 0 || p > kMaxWindowParam) ctx.Unsupported("pads value " + std::to_string(p));
  const int r = in.rank;
  if (pads[0] || pads[1] || pads[r] || pads[r + 1])
    ctx.Unsupported("padding of the batch or channel axis");
  if (r < 3) ctx.Unsupported("input of rank 2");
  Value out;
  out.kind = ValueKind::kPadded;
  out.node = in.node;
  out.rank = r;
  out.pad_origin = ctx.node_name();
  out.pad_left = static_cast<int>(pads[r - 1]);
  out.pad_right = static_cast<int>(pads[2 * r - 1]);
  if (r == 4) {
    out.pad_top = static_cast<int>(pads[2]);
    out.pad_bottom = static_cast<int>(pads[6]);
  }
  if (!out.pad_left && !out.pad_right && !out.pad_top && !out.pad_bottom)
    return DefineAlias(ctx, in, r);
  ctx.Define(ctx.node().output(0), out);
}

}  // namespace incept::onnx_import

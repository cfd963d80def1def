// Conv2d: y[n,o] = act(bias[o] + sum_{c in group(o), kh, kw} w[o,c,kh,kw] * x_pad[n,c,..]).
#include "graph/ops/ops.h"

namespace incept {
namespace {

void CheckChannels(const Conv2dAttrs& a, int64_t producer_channels) {
  if (a.in_channels != producer_channels)
    throw Error("in_channels " + ops::Num(a.in_channels) + " != producer's " +
                ops::Num(producer_channels));
  if (a.out_channels < 1) throw Error("out_channels must be >= 1");
  if (a.groups < 1 || a.in_channels % a.groups || a.out_channels % a.groups)
    throw Error("groups " + ops::Num(a.groups) + " must divide in_channels " +
                ops::Num(a.in_channels) + " and out_channels " + ops::Num(a.out_channels));
}

Shape Infer(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<Conv2dAttrs>();
  CheckChannels(a, in[0].c);
  return ops::WindowOutput(in[0], a.out_channels, a.window, false);
}

ParamShapes Params(const Node& node, const std::vector<Shape>&) {
  const auto& a = node.attr<Conv2dAttrs>();
  ParamShapes p{
      {"weight", {a.out_channels, a.in_channels / a.groups, a.window.kernel_h, a.window.kernel_w}}};
  if (a.has_bias) p["bias"] = {a.out_channels};
  return p;
}

int64_t Macs(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<Conv2dAttrs>();
  Shape out = ops::WindowOutput(in[0], a.out_channels, a.window, false);
  return out.elements() * (a.in_channels / a.groups) * a.window.kernel_h * a.window.kernel_w;
}

}  // namespace

Conv2dAttrs ParseConv2dAttrs(AttrReader& r) {
  Conv2dAttrs a;
  a.in_channels = r.Int("in_channels");
  a.out_channels = r.Int("out_channels");
  a.window = r.Window();
  a.groups = r.Int("groups", 1);
  a.has_bias = r.Bool("bias", false);
  a.activation = r.ActivationAttr();
  return a;
}

void WriteConv2dAttrs(const Conv2dAttrs& a, nlohmann::json& out) {
  out["in_channels"] = a.in_channels;
  out["out_channels"] = a.out_channels;
  WriteWindow(a.window, out);
  out["groups"] = a.groups;
  out["bias"] = a.has_bias;
  out["activation"] = ActivationName(a.activation);
}

OpInfo Conv2dOp() {
  return {OpKind::kConv2d,
          "Conv2d",
          1,
          1,
          Infer,
          Params,
          Macs,
          [](AttrReader& r) -> OpAttrs { return ParseConv2dAttrs(r); },
          [](const OpAttrs& a, nlohmann::json& out) {
            WriteConv2dAttrs(std::get<Conv2dAttrs>(a), out);
          }};
}

}  // namespace incept

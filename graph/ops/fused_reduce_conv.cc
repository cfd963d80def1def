// FusedReduceConv: y = act(convKxK(pad0(relu(W1 x + b1))) + b2). The reduce is a 1x1,
// stride-1, unpadded conv with bias; the KxK conv's padding is applied to its output.
#include "graph/ops/ops.h"

namespace incept {

Conv2dAttrs ParseConv2dAttrs(AttrReader& r);
void WriteConv2dAttrs(const Conv2dAttrs& a, nlohmann::json& out);

namespace {

Shape Infer(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<FusedReduceConvAttrs>();
  if (a.in_channels != in[0].c)
    throw Error("in_channels " + ops::Num(a.in_channels) + " != producer's " + ops::Num(in[0].c));
  if (a.reduce_channels < 1) throw Error("reduce_channels must be >= 1");
  if (a.conv.in_channels != a.reduce_channels)
    throw Error("conv in_channels " + ops::Num(a.conv.in_channels) + " != reduce_channels " +
                ops::Num(a.reduce_channels));
  if (a.conv.groups != 1) throw Error("the fused KxK conv must have groups 1");
  return ops::WindowOutput(in[0], a.conv.out_channels, a.conv.window, false);
}

ParamShapes Params(const Node& node, const std::vector<Shape>&) {
  const auto& a = node.attr<FusedReduceConvAttrs>();
  return {
      {"reduce_weight", {a.reduce_channels, a.in_channels, 1, 1}},
      {"reduce_bias", {a.reduce_channels}},
      {"weight",
       {a.conv.out_channels, a.reduce_channels, a.conv.window.kernel_h, a.conv.window.kernel_w}},
      {"bias", {a.conv.out_channels}}};
}

// The reduce is counted once per input pixel (as the unfused graph counts it), not per
// halo recomputation.
int64_t Macs(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<FusedReduceConvAttrs>();
  Shape out = Infer(node, in);
  return in[0].n * in[0].plane() * a.in_channels * a.reduce_channels +
         out.elements() * a.reduce_channels * a.conv.window.kernel_h * a.conv.window.kernel_w;
}

OpAttrs Parse(AttrReader& r) {
  FusedReduceConvAttrs a;
  a.reduce_channels = r.Int("reduce_channels");
  a.conv = ParseConv2dAttrs(r);  // in_channels here is the reduce's input
  a.in_channels = a.conv.in_channels;
  a.conv.in_channels = a.reduce_channels;
  a.conv.has_bias = true;
  return a;
}

void Write(const OpAttrs& attrs, nlohmann::json& out) {
  const auto& a = std::get<FusedReduceConvAttrs>(attrs);
  out["reduce_channels"] = a.reduce_channels;
  Conv2dAttrs conv = a.conv;
  conv.in_channels = a.in_channels;
  WriteConv2dAttrs(conv, out);
}

}  // namespace

OpInfo FusedReduceConvOp() {
  return {OpKind::kFusedReduceConv, "FusedReduceConv", 1, 1, Infer, Params, Macs, Parse, Write};
}

}  // namespace incept

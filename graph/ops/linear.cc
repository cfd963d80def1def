// Linear: y[n, o] = bias[o] + sum_k W[o, k] x[n, k], x read as N x (C*H*W).
#include "graph/ops/ops.h"

namespace incept {
namespace {

Shape Infer(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<LinearAttrs>();
  if (a.in_features != in[0].per_image())
    throw Error("in_features " + ops::Num(a.in_features) + " != producer's " +
                ops::Num(in[0].per_image()) + " (" + in[0].str() + ")");
  if (a.out_features < 1) throw Error("out_features must be >= 1");
  return Shape::Features(in[0].n, a.out_features);  // (N, out_features), as PyTorch's
}

ParamShapes Params(const Node& node, const std::vector<Shape>&) {
  const auto& a = node.attr<LinearAttrs>();
  ParamShapes p{{"weight", {a.out_features, a.in_features}}};
  if (a.has_bias) p["bias"] = {a.out_features};
  return p;
}

int64_t Macs(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<LinearAttrs>();
  return in[0].n * int64_t{a.in_features} * a.out_features;
}

OpAttrs Parse(AttrReader& r) {
  LinearAttrs a;
  a.in_features = r.Int("in_features");
  a.out_features = r.Int("out_features");
  a.has_bias = r.Bool("bias", true);
  return a;
}

void Write(const OpAttrs& attrs, nlohmann::json& out) {
  const auto& a = std::get<LinearAttrs>(attrs);
  out["in_features"] = a.in_features;
  out["out_features"] = a.out_features;
  out["bias"] = a.has_bias;
}

}  // namespace

OpInfo LinearOp() { return {OpKind::kLinear, "Linear", 1, 1, Infer, Params, Macs, Parse, Write}; }

}  // namespace incept

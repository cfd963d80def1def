// BatchNorm (inference): y = (x - mean) / sqrt(var + eps) * weight + bias, per channel.
#include "graph/ops/ops.h"

namespace incept {
namespace {

ParamShapes Params(const Node&, const std::vector<Shape>& in) {
  return {{"weight", {in[0].c}},
          {"bias", {in[0].c}},
          {"running_mean", {in[0].c}},
          {"running_var", {in[0].c}}};
}

OpAttrs Parse(AttrReader& r) {
  BatchNormAttrs a;
  a.eps = r.Float("eps", 1e-5f);
  if (!(a.eps > 0)) throw Error("attrs.eps: must be > 0");
  return a;
}

void Write(const OpAttrs& attrs, nlohmann::json& out) {
  out["eps"] = std::get<BatchNormAttrs>(attrs).eps;
}

}  // namespace

OpInfo BatchNormOp() {
  return {OpKind::kBatchNorm, "BatchNorm", 1,    1, ops::SameAsInput, Params,
          ops::NoMacs,        Parse,       Write};
}

}  // namespace incept

// LRN across channels (Caffe): y = x * (k + alpha/size * sum_{window} x^2)^(-beta).
#include "graph/ops/ops.h"

namespace incept {
namespace {

Shape Infer(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<LrnAttrs>();
  if (a.size < 1) throw Error("LRN size must be >= 1");
  return in[0];
}

OpAttrs Parse(AttrReader& r) {
  LrnAttrs a;
  a.size = r.Int("size");
  a.alpha = r.Float("alpha");
  a.beta = r.Float("beta");
  a.k = r.Float("k", 1.0f);
  return a;
}

void Write(const OpAttrs& attrs, nlohmann::json& out) {
  const auto& a = std::get<LrnAttrs>(attrs);
  out["size"] = a.size;
  out["alpha"] = a.alpha;
  out["beta"] = a.beta;
  out["k"] = a.k;
}

}  // namespace

OpInfo LrnOp() {
  return {OpKind::kLRN, "LRN", 1, 1, Infer, ops::NoParams, ops::NoMacs, Parse, Write};
}

}  // namespace incept

// AdaptiveAvgPool: output bin i averages input rows [floor(i*H/out), ceil((i+1)*H/out)).
#include "graph/ops/ops.h"

namespace incept {
namespace {

Shape Infer(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<AdaptiveAvgPoolAttrs>();
  if (a.out_h < 1 || a.out_w < 1) throw Error("output_size must be >= 1");
  return {in[0].n, in[0].c, a.out_h, a.out_w};
}

OpAttrs Parse(AttrReader& r) {
  std::vector<int> s = r.Ints("output_size");
  if (s.size() == 1) s.push_back(s[0]);
  if (s.size() != 2) throw Error("attrs.output_size: expected [h, w]");
  return AdaptiveAvgPoolAttrs{s[0], s[1]};
}

void Write(const OpAttrs& attrs, nlohmann::json& out) {
  const auto& a = std::get<AdaptiveAvgPoolAttrs>(attrs);
  out["output_size"] = {a.out_h, a.out_w};
}

}  // namespace

OpInfo AdaptiveAvgPoolOp() {
  return {OpKind::kAdaptiveAvgPool,
          "AdaptiveAvgPool",
          1,
          1,
          Infer,
          ops::NoParams,
          ops::NoMacs,
          Parse,
          Write};
}

}  // namespace incept

// Input: the network input; its shape attribute is the default, overridable at run time.
#include "graph/ops/ops.h"

namespace incept {
namespace {

Shape Infer(const Node& node, const std::vector<Shape>&) {
  const Shape& s = node.attr<InputAttrs>().shape;
  if (s.n < 1 || s.c < 1 || s.h < 1 || s.w < 1)
    throw Error("input shape " + s.str() + " has a size below 1");
  return s;
}

OpAttrs Parse(AttrReader& r) {
  std::vector<int> s = r.Ints("shape");
  if (s.size() != 4) throw Error("attrs.shape: expected [N, C, H, W]");
  for (int v : s)
    if (v < 1) throw Error("attrs.shape: sizes must be >= 1, got " + ops::Num(v));
  return InputAttrs{Shape{s[0], s[1], s[2], s[3]}};
}

void Write(const OpAttrs& attrs, nlohmann::json& out) {
  const Shape& s = std::get<InputAttrs>(attrs).shape;
  out["shape"] = {s.n, s.c, s.h, s.w};
}

}  // namespace

OpInfo InputOp() {
  return {OpKind::kInput, "Input", 0, 0, Infer, ops::NoParams, ops::NoMacs, Parse, Write};
}

}  // namespace incept

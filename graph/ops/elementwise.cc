// The shape-preserving (or reshaping) ops without parameters: ReLU, Dropout, Flatten,
// Softmax (over channels), ChannelAffine (y[c] = x[c] * scale[c] + shift[c]), Add.
#include "graph/ops/ops.h"

namespace incept {
namespace {

// (N, C, H, W) -> (N, C*H*W), rank 2.
Shape FlattenShape(const Node&, const std::vector<Shape>& in) {
  return Shape::Features(in[0].n, in[0].per_image());
}

OpAttrs ParseDropout(AttrReader& r) {
  DropoutAttrs a;
  a.p = r.Float("p", 0.5f);
  if (a.p < 0 || a.p > 1) throw Error("attrs.p: must be in [0, 1]");
  return a;
}

void WriteDropout(const OpAttrs& attrs, nlohmann::json& out) {
  out["p"] = std::get<DropoutAttrs>(attrs).p;
}

Shape AffineShape(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<ChannelAffineAttrs>();
  if (static_cast<int64_t>(a.scale.size()) != in[0].c ||
      static_cast<int64_t>(a.shift.size()) != in[0].c)
    throw Error("scale and shift need " + ops::Num(in[0].c) + " values (one per channel), got " +
                ops::Num(static_cast<int64_t>(a.scale.size())) + " and " +
                ops::Num(static_cast<int64_t>(a.shift.size())));
  return in[0];
}

OpAttrs ParseAffine(AttrReader& r) {
  ChannelAffineAttrs a;
  a.scale = r.Floats("scale");
  a.shift = r.Floats("shift");
  return a;
}

void WriteAffine(const OpAttrs& attrs, nlohmann::json& out) {
  const auto& a = std::get<ChannelAffineAttrs>(attrs);
  out["scale"] = a.scale;
  out["shift"] = a.shift;
}

Shape AddShape(const Node& node, const std::vector<Shape>& in) {
  if (in[0] != in[1])
    throw Error("Add inputs differ in shape: " + in[0].str() + " vs " + in[1].str());
  return in[0];
}

}  // namespace

OpInfo ReluOp() {
  return {OpKind::kReLU, "ReLU",           1, 1, ops::SameAsInput, ops::NoParams, ops::NoMacs,
          ops::NoAttrs,  ops::WriteNoAttrs};
}

OpInfo DropoutOp() {
  return {OpKind::kDropout, "Dropout",    1,           1, ops::SameAsInput, ops::NoParams,
          ops::NoMacs,      ParseDropout, WriteDropout};
}

OpInfo FlattenOp() {
  return {OpKind::kFlatten, "Flatten",        1, 1, FlattenShape, ops::NoParams, ops::NoMacs,
          ops::NoAttrs,     ops::WriteNoAttrs};
}

OpInfo SoftmaxOp() {
  return {OpKind::kSoftmax, "Softmax",        1, 1, ops::SameAsInput, ops::NoParams, ops::NoMacs,
          ops::NoAttrs,     ops::WriteNoAttrs};
}

OpInfo ChannelAffineOp() {
  return {OpKind::kChannelAffine, "ChannelAffine", 1,           1,          AffineShape,
          ops::NoParams,          ops::NoMacs,     ParseAffine, WriteAffine};
}

OpInfo AddOp() {
  return {OpKind::kAdd,     "Add", 2, 2, AddShape, ops::NoParams, ops::NoMacs, ops::NoAttrs,
          ops::WriteNoAttrs};
}

}  // namespace incept

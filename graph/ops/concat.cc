// Concat along channels: inputs must agree on N, H, W and rank.
#include "graph/ops/ops.h"

namespace incept {
namespace {

Shape Infer(const Node& node, const std::vector<Shape>& in) {
  Shape out = in[0];
  out.c = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i].n != in[0].n || in[i].h != in[0].h || in[i].w != in[0].w || in[i].rank != in[0].rank)
      throw Error("input " + ops::Num(static_cast<int64_t>(i)) + " \"" + node.inputs[i] +
                  "\" has shape " + in[i].str() + ", incompatible with " + in[0].str() +
                  " for a channel concat");
    out.c += in[i].c;
  }
  return out;
}

}  // namespace

OpInfo ConcatOp() {
  return {OpKind::kConcat, "Concat",         1, 1 << 20, Infer, ops::NoParams, ops::NoMacs,
          ops::NoAttrs,    ops::WriteNoAttrs};
}

}  // namespace incept

// MaxPool / AvgPool over a window, PyTorch's output size rule (see WindowOutputSize).
#include "graph/ops/ops.h"

namespace incept {
namespace {

Shape Infer(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<PoolAttrs>();
  const Window2d& w = a.window;
  // PyTorch's rule: padding at most half the kernel, so every window sees the image.
  if (w.pad_top * 2 > w.kernel_h || w.pad_bottom * 2 > w.kernel_h || w.pad_left * 2 > w.kernel_w ||
      w.pad_right * 2 > w.kernel_w)
    throw Error("pool padding must be at most half the kernel size");
  return ops::WindowOutput(in[0], in[0].c, w, a.ceil_mode);
}

OpAttrs Parse(AttrReader& r) {
  PoolAttrs a;
  a.window = r.Window();
  a.ceil_mode = r.Bool("ceil_mode", false);
  a.count_include_pad = r.Bool("count_include_pad", true);
  return a;
}

OpAttrs ParseMax(AttrReader& r) {
  PoolAttrs a;
  a.window = r.Window();
  a.ceil_mode = r.Bool("ceil_mode", false);
  return a;
}

void Write(const OpAttrs& attrs, nlohmann::json& out) {
  const auto& a = std::get<PoolAttrs>(attrs);
  WriteWindow(a.window, out);
  out["ceil_mode"] = a.ceil_mode;
}

void WriteAvg(const OpAttrs& attrs, nlohmann::json& out) {
  Write(attrs, out);
  out["count_include_pad"] = std::get<PoolAttrs>(attrs).count_include_pad;
}

}  // namespace

OpInfo MaxPoolOp() {
  return {OpKind::kMaxPool, "MaxPool", 1, 1, Infer, ops::NoParams, ops::NoMacs, ParseMax, Write};
}

OpInfo AvgPoolOp() {
  return {OpKind::kAvgPool, "AvgPool", 1, 1, Infer, ops::NoParams, ops::NoMacs, Parse, WriteAvg};
}

}  // namespace incept

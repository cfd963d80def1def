#include "graph/op_registry.h"

#include <nlohmann/json.hpp>

#include "graph/ops/ops.h"

namespace incept {

const std::vector<OpInfo>& AllOps() {
  static const std::vector<OpInfo> table = {InputOp(),   Conv2dOp(),      FusedReduceConvOp(),
                                            MaxPoolOp(), AvgPoolOp(),     AdaptiveAvgPoolOp(),
                                            LrnOp(),     BatchNormOp(),   ConcatOp(),
                                            ReluOp(),    DropoutOp(),     FlattenOp(),
                                            LinearOp(),  SoftmaxOp(),     ChannelAffineOp(),
                                            AddOp(),     ChannelSliceOp()};
  return table;
}

const OpInfo& GetOpInfo(OpKind kind) {
  for (const OpInfo& info : AllOps())
    if (info.kind == kind) return info;
  throw Error("op kind " + std::to_string(static_cast<int>(kind)) +
              " has no entry in the op table");
}

const OpInfo* FindOpInfo(const std::string& name) {
  for (const OpInfo& info : AllOps())
    if (name == info.name) return &info;
  return nullptr;
}

const char* OpName(OpKind kind) { return GetOpInfo(kind).name; }

int64_t WindowOutputSize(int64_t in, int kernel, int stride, int pad_begin, int pad_end,
                         bool ceil_mode) {
  int64_t span = in + pad_begin + pad_end - kernel;
  if (span < 0 || stride < 1) return 0;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

namespace ops {

Shape WindowOutput(const Shape& in, int64_t channels, const Window2d& w, bool ceil_mode) {
  Shape out{in.n, channels,
            WindowOutputSize(in.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, ceil_mode),
            WindowOutputSize(in.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, ceil_mode)};
  if (out.h < 1 || out.w < 1)
    throw Error("output smaller than 1 pixel: input " + Num(in.h) + "x" + Num(in.w) +
                " is too small for a " + Num(w.kernel_h) + "x" + Num(w.kernel_w) +
                " window with padding " + Num(w.pad_top) + "," + Num(w.pad_left) + "," +
                Num(w.pad_bottom) + "," + Num(w.pad_right));
  return out;
}

ParamShapes NoParams(const Node&, const std::vector<Shape>&) { return {}; }
int64_t NoMacs(const Node&, const std::vector<Shape>&) { return 0; }
OpAttrs NoAttrs(AttrReader&) { return EmptyAttrs{}; }
void WriteNoAttrs(const OpAttrs&, nlohmann::json&) {}
Shape SameAsInput(const Node&, const std::vector<Shape>& in) { return in[0]; }

}  // namespace ops
}  // namespace incept

// One OpInfo per op family, each defined in its own file in graph/ops/; op_registry.cc
// gathers them into the table.
#pragma once

#include <string>

#include "graph/error.h"
#include "graph/op_registry.h"

namespace incept {

OpInfo InputOp();
OpInfo Conv2dOp();
OpInfo FusedReduceConvOp();
OpInfo MaxPoolOp();
OpInfo AvgPoolOp();
OpInfo AdaptiveAvgPoolOp();
OpInfo LrnOp();
OpInfo BatchNormOp();
OpInfo ConcatOp();
OpInfo ReluOp();
OpInfo DropoutOp();
OpInfo FlattenOp();
OpInfo LinearOp();
OpInfo SoftmaxOp();
OpInfo ChannelAffineOp();
OpInfo AddOp();
OpInfo ChannelSliceOp();

// Helpers shared by the op files.
namespace ops {

inline std::string Num(int64_t v) { return std::to_string(v); }

// Output spatial size of a window op; throws if it is below 1 pixel.
Shape WindowOutput(const Shape& in, int64_t channels, const Window2d& w, bool ceil_mode);

// The no-parameter, no-cost defaults.
ParamShapes NoParams(const Node&, const std::vector<Shape>&);
int64_t NoMacs(const Node&, const std::vector<Shape>&);
OpAttrs NoAttrs(AttrReader&);
void WriteNoAttrs(const OpAttrs&, nlohmann::json&);
Shape SameAsInput(const Node&, const std::vector<Shape>& in);

}  // namespace ops
}  // namespace incept

// What the typed launch table accepts (typed_support.h): one small rule per op, in a table.
#include "cuda/plan/typed_support.h"

#include "graph/op_registry.h"

namespace incept {
namespace cuda {
namespace {

using simt::AnyTensorRef;
using Views = std::vector<AnyTensorRef>;

std::string Name(const AnyTensorRef& t) {
  return std::string(ElementTypeName(t.type)) + " " + LayoutName(t.layout);
}

bool SameFormat(const AnyTensorRef& a, const AnyTensorRef& b) {
  return a.type == b.type && a.layout == b.layout;
}

// One image's elements in NCHW order: NCHW, or a single pixel.
bool RowPerImage(const AnyTensorRef& t) {
  return t.layout == Layout::kNCHW || t.shape.plane() == 1;
}

std::string Any(const Node&, const Views&, const AnyTensorRef&) { return ""; }

std::string Conv(const Node& node, const Views&, const AnyTensorRef&) {
  const Window2d& w = node.attr<Conv2dAttrs>().window;
  if (w.pad_top != w.pad_bottom || w.pad_left != w.pad_right)
    return "asymmetric padding is not supported by cuDNN's convolution descriptor";
  return "";
}

std::string Linear(const Node&, const Views& in, const AnyTensorRef& out) {
  const AnyTensorRef& x = in.at(0);
  if (x.type == ElementType::kF32)
    return "input is fp32; the typed FC (cublasGemmEx) reads fp16 or bf16";
  if (!RowPerImage(x)) return "input " + Name(x) + " with H*W > 1 is not one row per image";
  if (out.type != ElementType::kF32 && out.type != x.type)
    return "output " + Name(out) + " is neither fp32 nor the input's type";
  return "";
}

std::string SameInOut(const Node&, const Views& in, const AnyTensorRef& out) {
  if (!SameFormat(in.at(0), out))
    return "input is " + Name(in.at(0)) + ", output " + Name(out) + ": they must match";
  return "";
}

std::string Add(const Node&, const Views& in, const AnyTensorRef& out) {
  if (!SameFormat(in.at(0), out) || !SameFormat(in.at(1), out))
    return "inputs " + Name(in.at(0)) + " and " + Name(in.at(1)) + ", output " + Name(out) +
           ": all three must match";
  return "";
}

std::string Softmax(const Node&, const Views& in, const AnyTensorRef& out) {
  for (const AnyTensorRef* t : {&in.at(0), &out})
    if (t->type != ElementType::kF32 || !RowPerImage(*t))
      return "reads and writes fp32 NCHW only, got " + Name(in.at(0)) + " -> " + Name(out);
  return "";
}

std::string Flatten(const Node&, const Views& in, const AnyTensorRef&) {
  if (!RowPerImage(in.at(0)))
    return "an " + Name(in.at(0)) + " input with H*W > 1 cannot be flattened";
  return "";
}

// The tensor-core kernel (cuda/launch_fused_reduce_conv_tc.h): T NHWC in and out, one T.
std::string FusedReduceConv(const Node&, const Views& in, const AnyTensorRef& out) {
  if (in.size() != 1) return "expects one input";
  const AnyTensorRef& x = in[0];
  if (out.type == ElementType::kF32 || out.layout != Layout::kNHWC || x.type != out.type ||
      x.layout != out.layout)
    return "the tensor-core fused reduce conv takes fp16 or bf16 NHWC in and out, got " + Name(x) +
           " -> " + Name(out);
  return "";
}

struct Rule {
  OpKind op;
  std::string (*check)(const Node&, const Views&, const AnyTensorRef&);
  size_t inputs;  // how many views the rule reads (0: any number)
};

const Rule kRules[] = {
    {OpKind::kConv2d, Conv, 1},       {OpKind::kFusedReduceConv, FusedReduceConv, 0},
    {OpKind::kLinear, Linear, 1},     {OpKind::kMaxPool, SameInOut, 1},
    {OpKind::kAvgPool, SameInOut, 1}, {OpKind::kAdaptiveAvgPool, SameInOut, 1},
    {OpKind::kLRN, SameInOut, 1},     {OpKind::kAdd, Add, 2},
    {OpKind::kSoftmax, Softmax, 1},   {OpKind::kFlatten, Flatten, 1},
    {OpKind::kChannelAffine, Any, 1}, {OpKind::kBatchNorm, Any, 1},
    {OpKind::kReLU, Any, 1},          {OpKind::kDropout, Any, 1},
    {OpKind::kConcat, Any, 0},        {OpKind::kChannelSlice, Any, 1},
};

}  // namespace

std::string TypedLaunchProblem(const Node& node, const std::vector<simt::AnyTensorRef>& inputs,
                               const simt::AnyTensorRef& output) {
  for (const Rule& r : kRules) {
    if (r.op != node.op) continue;
    if (inputs.size() < r.inputs)
      return "expects " + std::to_string(r.inputs) + " inputs, has " +
             std::to_string(inputs.size());
    return r.check(node, inputs, output);
  }
  return std::string("op ") + OpName(node.op) + " has no CUDA launcher for fp16/bf16 plans";
}

}  // namespace cuda
}  // namespace incept

// The typed launch table (node_launch_typed.h): one binder per op kind, no central switch.
#include "cuda/node_launch_typed.h"

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cuda/adaptive_avg_pool.cuh"
#include "cuda/bias_activation.cuh"
#include "cuda/convert.cuh"
#include "cuda/cublas_linear.h"
#include "cuda/cudnn_conv_typed.h"
#include "cuda/launch_fused_reduce_conv_tc.h"
#include "cuda/lrn.cuh"
#include "cuda/plan/typed_support.h"
#include "cuda/plan/typed_views.h"
#include "cuda/pool.cuh"
#include "cuda/softmax.cuh"
#include "cuda/typed_elementwise.cuh"
#include "graph/error.h"
#include "graph/op_registry.h"

namespace incept {
namespace cuda {
namespace {

using simt::AnyTensorRef;

std::string FormatName(const AnyTensorRef& t) {
  return std::string(ElementTypeName(t.type)) + " " + LayoutName(t.layout);
}

// The node's tensor for `role`, or "" when it has none.
std::string ParamName(const NodeBinding& b, const char* role) {
  auto it = b.node->params.find(role);
  return it == b.node->params.end() ? std::string() : it->second;
}

// An fp32 NCHW view as the fp32 kernels take it (Softmax, the FC's fp32 bias epilogue).
simt::TensorRef Fp32(const AnyTensorRef& t, const char* role) {
  if (t.type != ElementType::kF32 || (t.layout != Layout::kNCHW && t.shape.plane() != 1))
    throw Error(std::string(role) + " must be fp32 NCHW, not " + FormatName(t));
  return {static_cast<float*>(t.data), t.shape, t.batch_stride};
}

// A node whose work is y = f(x) on one input, on the node's stream.
template <typename F>
BoundNode Unary(const NodeBinding& b, F f) {
  const AnyTensorRef in = b.typed_inputs.at(0), out = b.typed_output;
  return {[in, out, f](const StreamResources& s) { f(in, out, s.stream); }, 0, ""};
}

// y = x * scale[c] + shift[c] in fp32, rounded once to the output's type.
BoundNode Affine(const NodeBinding& b, const std::vector<float>& scale,
                 const std::vector<float>& shift) {
  const size_t scale_at = b.constants->Add(scale), shift_at = b.constants->Add(shift);
  const DeviceConstants* constants = b.constants;
  const AnyTensorRef in = b.typed_inputs.at(0), out = b.typed_output;
  return {[=](const StreamResources& s) {
            ChannelAffineForward(in, constants->Get(scale_at), constants->Get(shift_at), out,
                                 s.stream);
          },
          0, ""};
}

BoundNode BindConv2d(const NodeBinding& b) {
  const Conv2dAttrs attrs = b.node->attr<Conv2dAttrs>();
  const std::string weight_name = ParamName(b, "weight");
  if (weight_name.empty()) throw Error("no weight tensor");
  const WeightFormat wf = b.weights->FormatOf(weight_name);
  const ElementType t = wf.stored;
  if (t == ElementType::kF32 || wf.layout != Layout::kNHWC)
    throw Error("weight \"" + weight_name + "\" is " + WeightFormatName(wf) +
                ", a typed conv needs fp16 or bf16 OHWI");
  const AnyTensorRef in = b.typed_inputs.at(0), out = b.typed_output;
  // The caller's fp32 NCHW input (a first conv without transform_input) is converted to T
  // NHWC in the conv's scratch first: one rounding of the input (the host oracle rounds
  // the conv's output only; tests/cuda/precision_fp16_test.cc allows for it). A
  // pixel-strided NHWC input (a ChannelSlice view of a merged 1x1 conv) is copied dense
  // there too: only the output's strided form has a fallback in CudnnConvTyped.
  const bool convert_input = in.type != t || in.layout != Layout::kNHWC || !IsDense(in);
  TypedConvConfig config;
  config.in = convert_input ? DenseNhwc(nullptr, in.shape, t) : in;
  config.attrs = attrs;
  config.out = out;
  config.output = b.conv_output;
  config.max_workspace_bytes = b.max_workspace_bytes;
  config.choose_by_timing = b.conv_algorithms_by_timing;
  config.forced_algorithm = b.conv_algorithm;
  const size_t input_bytes =
      convert_input ? static_cast<size_t>(in.shape.elements() * ElementSize(t)) : 0;
  const void* weight = b.weights->Bytes(weight_name, t);
  const void* bias = attrs.has_bias ? b.weights->Bytes(ParamName(b, "bias"), t) : nullptr;
  // Under kAuto a strided slice output is tried once, on the arena (overwritten by the
  // warm-up run) and, for a converted input, on a scratch input of its own.
  DeviceArena trial_input;
  TypedConvTrial trial;
  if (b.conv_output == ConvOutputRequest::kAuto && !IsDense(out)) {
    if (convert_input) trial_input = DeviceArena(input_bytes);
    trial = {convert_input ? trial_input.base() : in.data, weight, bias, out.data};
    config.trial = &trial;
  }
  auto conv = std::make_shared<CudnnConvTyped>(b.cudnn, config);
  if (b.bound_conv_algorithm) *b.bound_conv_algorithm = static_cast<int>(conv->algorithm());
  const ConvScratch scratch = LayoutConvScratch(input_bytes, conv->dense_output_bytes(),
                                                conv->workspace_bytes(), DeviceArena::kAlignment);
  std::string note = conv->Describe();
  if (convert_input)
    note += "; input " + FormatName(in) + (IsDense(in) ? "" : " (strided)") + " copied to dense " +
            ElementTypeName(t) + " NHWC first";
  return {[conv, in, out, t, convert_input, scratch, weight, bias](const StreamResources& s) {
            char* base = static_cast<char*>(s.workspace);
            if (scratch.total > 0 && (!base || s.workspace_bytes < scratch.total))
              throw Error("conv scratch of " + std::to_string(scratch.total) +
                          " bytes is missing from the stream's workspace");
            const void* conv_in = in.data;
            if (convert_input) {
              const AnyTensorRef converted = DenseNhwc(base + scratch.input_offset, in.shape, t);
              ConvertForward(in, converted, s.stream);
              conv_in = converted.data;
            }
            conv->Forward(s.cudnn, conv_in, weight, bias, out,
                          scratch.cudnn_bytes ? base + scratch.cudnn_offset : nullptr,
                          scratch.output_bytes ? base + scratch.output_offset : nullptr);
          },
          scratch.total, note};
}

// out = in · W^T + b: the GEMM's fp32 result, then the bias in fp32 and one rounding.
BoundNode BindLinear(const NodeBinding& b) {
  const LinearAttrs attrs = b.node->attr<LinearAttrs>();
  const AnyTensorRef in = b.typed_inputs.at(0), out = b.typed_output;
  const std::string weight_name = ParamName(b, "weight");
  const WeightFormat wf = b.weights->FormatOf(weight_name);
  if (wf.stored != in.type)
    throw Error("weight \"" + weight_name + "\" is " + WeightFormatName(wf) + ", the input " +
                FormatName(in));
  const void* weight = b.weights->Bytes(weight_name, wf.stored);
  const float* bias = attrs.has_bias ? b.weights->At(ParamName(b, "bias")) : nullptr;
  const int64_t n = in.shape.n, f = attrs.out_features;
  if (out.shape.n != n || out.shape.c != f || out.shape.plane() != 1)
    throw Error("output shape " + out.shape.str() + ", expected " + Shape::Features(n, f).str());
  if (out.type == ElementType::kF32) {  // an output, or read by Softmax: written in place
    const simt::TensorRef out32 = Fp32(out, "the output");
    return {[=](const StreamResources& s) {
              LinearGemmTyped(s.cublas, in, weight, attrs, out32.data, out32.batch_stride,
                              s.stream);
              if (bias) BiasActivationForward(out32, bias, Activation::kNone, s.stream);
            },
            0, "cublasGemmEx " + FormatName(in) + " -> fp32"};
  }
  // T output: the fp32 result in the stream's workspace, then out = round_T(acc * 1 + bias).
  const size_t ones_at = b.constants->Add(std::vector<float>(static_cast<size_t>(f), 1.0f));
  const size_t zeros_at =
      bias ? 0 : b.constants->Add(std::vector<float>(static_cast<size_t>(f), 0.0f));
  const DeviceConstants* constants = b.constants;
  const size_t scratch_bytes = static_cast<size_t>(n * f) * sizeof(float);
  return {[=](const StreamResources& s) {
            if (!s.workspace || s.workspace_bytes < scratch_bytes)
              throw Error("the FC's fp32 scratch is missing from the stream's workspace");
            float* acc = static_cast<float*>(s.workspace);
            LinearGemmTyped(s.cublas, in, weight, attrs, acc, f, s.stream);
            const AnyTensorRef acc_ref =
                simt::DenseAny(acc, out.shape, ElementType::kF32, Layout::kNCHW);
            ChannelAffineForward(acc_ref, constants->Get(ones_at),
                                 bias ? bias : constants->Get(zeros_at), out, s.stream);
          },
          scratch_bytes,
          "cublasGemmEx " + FormatName(in) + " -> fp32, + bias, -> " + FormatName(out)};
}

BoundNode BindPool(const NodeBinding& b) {
  const PoolAttrs attrs = b.node->attr<PoolAttrs>();
  const bool max = b.node->op == OpKind::kMaxPool;
  return Unary(b, [attrs, max](const AnyTensorRef& in, const AnyTensorRef& out,
                               cudaStream_t stream) { PoolForward(max, in, attrs, out, stream); });
}

BoundNode BindAdaptiveAvgPool(const NodeBinding& b) {
  return Unary(b, [](const AnyTensorRef& in, const AnyTensorRef& out, cudaStream_t stream) {
    AdaptiveAvgPoolForward(in, out, stream);
  });
}

BoundNode BindLrn(const NodeBinding& b) {
  const LrnAttrs attrs = b.node->attr<LrnAttrs>();
  return Unary(b, [attrs](const AnyTensorRef& in, const AnyTensorRef& out, cudaStream_t stream) {
    LrnForward(in, attrs, out, stream);
  });
}

BoundNode BindSoftmax(const NodeBinding& b) {
  const simt::TensorRef in = Fp32(b.typed_inputs.at(0), "the input");
  const simt::TensorRef out = Fp32(b.typed_output, "the output");
  return {[in, out](const StreamResources& s) { SoftmaxForward(in, out, s.stream); }, 0, ""};
}

BoundNode BindChannelAffine(const NodeBinding& b) {
  const ChannelAffineAttrs& attrs = b.node->attr<ChannelAffineAttrs>();
  const size_t channels = static_cast<size_t>(b.typed_inputs.at(0).shape.c);
  if (attrs.scale.size() != channels || attrs.shift.size() != channels)
    throw Error("scale and shift need one value per channel (" + std::to_string(channels) + ")");
  return Affine(b, attrs.scale, attrs.shift);
}

// Inference BatchNorm as an affine map (BatchNormAffine).
BoundNode BindBatchNorm(const NodeBinding& b) {
  const BatchNormAffineConstants a =
      BatchNormAffine(b, static_cast<size_t>(b.typed_inputs.at(0).shape.c));
  return Affine(b, a.scale, a.shift);
}

BoundNode BindRelu(const NodeBinding& b) {
  return Unary(b, [](const AnyTensorRef& in, const AnyTensorRef& out, cudaStream_t stream) {
    TypedCopyForward(in, out, Activation::kReLU, stream);
  });
}

BoundNode BindDropout(const NodeBinding& b) {
  return Unary(b, [](const AnyTensorRef& in, const AnyTensorRef& out, cudaStream_t stream) {
    TypedCopyForward(in, out, Activation::kNone, stream);
  });
}

// Flatten (N, C, H, W) -> (N, C*H*W): the same elements per image in the same order, which
// the policy guarantees (NCHW, or H = W = 1 in NHWC): the input read under the output's
// shape.
BoundNode BindFlatten(const NodeBinding& b) {
  AnyTensorRef in = b.typed_inputs.at(0);
  const AnyTensorRef out = b.typed_output;
  if (in.layout == Layout::kNHWC && in.shape.plane() != 1)
    throw Error("an NHWC input with H*W > 1 (" + in.shape.str() + ") cannot be flattened");
  if (in.shape.n != out.shape.n || in.shape.per_image() != out.shape.per_image())
    throw Error("input " + in.shape.str() + " and output " + out.shape.str() +
                " differ in elements per image");
  in.shape = out.shape;
  in.pixel_stride = out.shape.c;  // unused in NCHW; H = W = 1 in NHWC
  return {[in, out](const StreamResources& s) {
            TypedCopyForward(in, out, Activation::kNone, s.stream);
          },
          0, ""};
}

// A launched Concat copies each input that is not already its channel slice.
BoundNode BindConcat(const NodeBinding& b) {
  std::vector<std::pair<AnyTensorRef, AnyTensorRef>> copies;
  const AnyTensorRef& out = b.typed_output;
  int64_t channel = 0;
  for (const AnyTensorRef& in : b.typed_inputs) {
    const AnyTensorRef slice = ChannelRange(out, channel, in.shape);
    if (in.data != slice.data || in.batch_stride != slice.batch_stride ||
        in.pixel_stride != slice.pixel_stride || in.type != slice.type || in.layout != slice.layout)
      copies.emplace_back(in, slice);
    channel += in.shape.c;
  }
  if (channel != out.shape.c)
    throw Error("inputs have " + std::to_string(channel) + " channels, output " + out.shape.str());
  return {[copies](const StreamResources& s) {
            for (const auto& [in, slice] : copies)
              TypedCopyForward(in, slice, Activation::kNone, s.stream);
          },
          0, ""};
}

BoundNode BindAdd(const NodeBinding& b) {
  const AnyTensorRef x = b.typed_inputs.at(0), y = b.typed_inputs.at(1), out = b.typed_output;
  return {[x, y, out](const StreamResources& s) { TypedAddForward(x, y, out, s.stream); }, 0, ""};
}

// A ChannelSlice launched where it writes a concat slice: a typed copy of its channels.
BoundNode BindChannelSlice(const NodeBinding& b) {
  const int64_t offset = b.node->attr<ChannelSliceAttrs>().channel_offset;
  const AnyTensorRef in = ChannelRange(b.typed_inputs.at(0), offset, b.typed_output.shape);
  const AnyTensorRef out = b.typed_output;
  return {[in, out](const StreamResources& s) {
            TypedCopyForward(in, out, Activation::kNone, s.stream);
          },
          0, ""};
}

struct Launcher {
  OpKind kind;
  BoundNode (*bind)(const NodeBinding&);
};

const Launcher kTypedLaunchers[] = {
    {OpKind::kConv2d, BindConv2d},   {OpKind::kFusedReduceConv, BindFusedReduceConvTc},
    {OpKind::kReLU, BindRelu},       {OpKind::kMaxPool, BindPool},
    {OpKind::kAvgPool, BindPool},    {OpKind::kAdaptiveAvgPool, BindAdaptiveAvgPool},
    {OpKind::kLRN, BindLrn},         {OpKind::kBatchNorm, BindBatchNorm},
    {OpKind::kConcat, BindConcat},   {OpKind::kDropout, BindDropout},
    {OpKind::kFlatten, BindFlatten}, {OpKind::kLinear, BindLinear},
    {OpKind::kSoftmax, BindSoftmax}, {OpKind::kChannelAffine, BindChannelAffine},
    {OpKind::kAdd, BindAdd},         {OpKind::kChannelSlice, BindChannelSlice},
};

}  // namespace

BoundNode BindTypedNode(const NodeBinding& binding) {
  if (!binding.typed) throw Error("BindTypedNode: the binding has no typed views");
  const std::string problem =
      TypedLaunchProblem(*binding.node, binding.typed_inputs, binding.typed_output);
  if (!problem.empty()) throw Error(problem);
  for (const Launcher& l : kTypedLaunchers)
    if (l.kind == binding.node->op) return l.bind(binding);
  throw Error(std::string("op ") + OpName(binding.node->op) +
              " has no CUDA launcher for fp16/bf16 plans");
}

}  // namespace cuda
}  // namespace incept

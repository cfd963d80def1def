// The launch table: one binder per op kind, no central switch.
#include "cuda/node_launch.h"

#include <cmath>
#include <memory>

#include "cuda/adaptive_avg_pool.cuh"
#include "cuda/channel_affine.cuh"
#include "cuda/check.h"
#include "cuda/cublas_linear.h"
#include "cuda/elementwise_misc.cuh"
#include "cuda/fused_reduce_conv.cuh"
#include "cuda/launch_fused_reduce_conv_tc.h"
#include "cuda/lrn.cuh"
#include "cuda/node_launch_typed.h"
#include "cuda/pool.cuh"
#include "cuda/softmax.cuh"
#include "graph/error.h"
#include "graph/op_registry.h"

namespace incept {
namespace cuda {

// ---- DeviceConstants ---------------------------------------------------------------------

size_t DeviceConstants::Add(const std::vector<float>& values) {
  // Keep every block 256-byte aligned, like every other device buffer.
  constexpr size_t kFloatsPerBlock = DeviceArena::kAlignment / sizeof(float);
  host_.resize((host_.size() + kFloatsPerBlock - 1) / kFloatsPerBlock * kFloatsPerBlock);
  const size_t offset = host_.size();
  host_.insert(host_.end(), values.begin(), values.end());
  return offset;
}

void DeviceConstants::Commit() {
  if (host_.empty()) return;
  device_ = DeviceArena(bytes());
  CUDA_CHECK(cudaMemcpy(device_.base(), host_.data(), bytes(), cudaMemcpyHostToDevice));
}

const float* DeviceConstants::Get(size_t offset) const {
  return static_cast<const float*>(device_.At(offset * sizeof(float), sizeof(float)));
}

std::vector<float> HostParam(const NodeBinding& b, const char* role, size_t count, float fallback) {
  auto it = b.node->params.find(role);
  if (it == b.node->params.end()) return std::vector<float>(count, fallback);
  std::vector<float> v = b.weights->Download(it->second);
  if (v.size() != count)
    throw Error("tensor \"" + it->second + "\" has " + std::to_string(v.size()) +
                " values, expected " + std::to_string(count));
  return v;
}

BatchNormAffineConstants BatchNormAffine(const NodeBinding& b, size_t channels) {
  const double eps = b.node->attr<BatchNormAttrs>().eps;
  const std::vector<float> gamma = HostParam(b, "weight", channels, 1.0f);
  const std::vector<float> beta = HostParam(b, "bias", channels, 0.0f);
  const std::vector<float> mean = HostParam(b, "running_mean", channels, 0.0f);
  const std::vector<float> var = HostParam(b, "running_var", channels, 1.0f);
  BatchNormAffineConstants out{std::vector<float>(channels), std::vector<float>(channels)};
  for (size_t c = 0; c < channels; ++c) {
    const double a = gamma[c] / std::sqrt(static_cast<double>(var[c]) + eps);
    out.scale[c] = static_cast<float>(a);
    out.shift[c] = static_cast<float>(beta[c] - mean[c] * a);
  }
  return out;
}

namespace {

using Enqueue = std::function<void(const StreamResources&)>;

// The device address of the node's parameter `role`; null when the node has none.
const float* Param(const NodeBinding& b, const char* role) {
  auto it = b.node->params.find(role);
  return it == b.node->params.end() ? nullptr : b.weights->At(it->second);
}

// A node whose work is y = f(x) on one input, on the node's stream.
template <typename F>
BoundNode Unary(const NodeBinding& b, F f) {
  const simt::ConstTensorRef in = b.inputs.at(0);
  const simt::TensorRef out = b.output;
  return {[in, out, f](const StreamResources& s) { f(in, out, s.stream); }, 0};
}

// y = x * scale[c] + shift[c] with the constants uploaded for this context.
BoundNode Affine(const NodeBinding& b, const std::vector<float>& scale,
                 const std::vector<float>& shift) {
  const size_t scale_at = b.constants->Add(scale), shift_at = b.constants->Add(shift);
  const DeviceConstants* constants = b.constants;
  const simt::ConstTensorRef in = b.inputs.at(0);
  const simt::TensorRef out = b.output;
  return {[=](const StreamResources& s) {
            ChannelAffineForward(in, constants->Get(scale_at), constants->Get(shift_at), out,
                                 s.stream);
          },
          0};
}

BoundNode BindConv2d(const NodeBinding& b) {
  CudnnConvConfig config;
  config.in = b.inputs.at(0).shape;
  config.in_batch_stride = b.inputs.at(0).batch_stride;
  config.attrs = b.node->attr<Conv2dAttrs>();
  config.out = b.output.shape;
  config.out_batch_stride = b.output.batch_stride;
  config.math = b.math;
  config.max_workspace_bytes = b.max_workspace_bytes;
  config.choose_by_timing = b.conv_algorithms_by_timing;
  config.forced_algorithm = b.conv_algorithm;
  auto conv = std::make_shared<CudnnConv>(b.cudnn, config);
  if (b.bound_conv_algorithm) *b.bound_conv_algorithm = static_cast<int>(conv->algorithm());
  const float* in = b.inputs[0].data;
  const float* weight = Param(b, "weight");
  const float* bias = config.attrs.has_bias ? Param(b, "bias") : nullptr;
  float* out = b.output.data;
  return {[conv, in, weight, bias, out](const StreamResources& s) {
            conv->Forward(s.cudnn, in, weight, bias, out, s.workspace);
          },
          conv->workspace_bytes()};
}

BoundNode BindFusedReduceConv(const NodeBinding& b) {
  const FusedReduceConvAttrs attrs = b.node->attr<FusedReduceConvAttrs>();
  const float* reduce_weight = Param(b, "reduce_weight");
  const float* reduce_bias = Param(b, "reduce_bias");
  const float* weight = Param(b, "weight");
  const float* bias = Param(b, "bias");
  return Unary(b, [=](simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream) {
    FusedReduceConvForward(in, reduce_weight, reduce_bias, weight, bias, attrs, out, stream);
  });
}

BoundNode BindPool(const NodeBinding& b) {
  const PoolAttrs attrs = b.node->attr<PoolAttrs>();
  if (b.node->op == OpKind::kMaxPool)
    return Unary(b, [attrs](simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream) {
      MaxPoolForward(in, attrs, out, stream);
    });
  return Unary(b, [attrs](simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream) {
    AvgPoolForward(in, attrs, out, stream);
  });
}

BoundNode BindAdaptiveAvgPool(const NodeBinding& b) {
  return Unary(b, [](simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream) {
    AdaptiveAvgPoolForward(in, out, stream);
  });
}

BoundNode BindLrn(const NodeBinding& b) {
  const LrnAttrs attrs = b.node->attr<LrnAttrs>();
  return Unary(b, [attrs](simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream) {
    LrnForward(in, attrs, out, stream);
  });
}

BoundNode BindSoftmax(const NodeBinding& b) {
  return Unary(b, [](simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream) {
    SoftmaxForward(in, out, stream);
  });
}

BoundNode BindChannelAffine(const NodeBinding& b) {
  const ChannelAffineAttrs& attrs = b.node->attr<ChannelAffineAttrs>();
  const size_t channels = static_cast<size_t>(b.inputs.at(0).shape.c);
  if (attrs.scale.size() != channels || attrs.shift.size() != channels)
    throw Error("scale and shift need one value per channel (" + std::to_string(channels) + ")");
  return Affine(b, attrs.scale, attrs.shift);
}

// Inference BatchNorm as an affine map (BatchNormAffine).
BoundNode BindBatchNorm(const NodeBinding& b) {
  const BatchNormAffineConstants a =
      BatchNormAffine(b, static_cast<size_t>(b.inputs.at(0).shape.c));
  return Affine(b, a.scale, a.shift);
}

BoundNode BindLinear(const NodeBinding& b) {
  const LinearAttrs attrs = b.node->attr<LinearAttrs>();
  const float* weight = Param(b, "weight");
  const float* bias = attrs.has_bias ? Param(b, "bias") : nullptr;
  const simt::ConstTensorRef in = b.inputs.at(0);
  const simt::TensorRef out = b.output;
  return {[=](const StreamResources& s) {
            LinearForward(s.cublas, in, weight, bias, attrs, out, s.stream);
          },
          0};
}

BoundNode BindRelu(const NodeBinding& b) {
  return Unary(b, [](simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream) {
    StridedCopyForward(in, out, Activation::kReLU, stream);
  });
}

// Dropout (identity at inference) and Flatten (the same bytes per image, read as one row).
BoundNode BindCopy(const NodeBinding& b) {
  return Unary(b, [](simt::ConstTensorRef in, simt::TensorRef out, cudaStream_t stream) {
    StridedCopyForward(in, out, Activation::kNone, stream);
  });
}

// A launched Concat copies each input that is not already its channel slice.
BoundNode BindConcat(const NodeBinding& b) {
  std::vector<std::pair<simt::ConstTensorRef, simt::TensorRef>> copies;
  const Shape& out = b.output.shape;
  int64_t channel = 0;
  for (const simt::ConstTensorRef& in : b.inputs) {
    if (in.shape.n != out.n || in.shape.h != out.h || in.shape.w != out.w)
      throw Error("input " + in.shape.str() + " does not fit output " + out.str());
    simt::TensorRef slice{b.output.data + channel * out.h * out.w, in.shape, b.output.batch_stride};
    if (in.data != slice.data || in.batch_stride != slice.batch_stride)
      copies.emplace_back(in, slice);
    channel += in.shape.c;
  }
  if (channel != out.c)
    throw Error("inputs have " + std::to_string(channel) + " channels, output " + out.str());
  return {[copies](const StreamResources& s) {
            for (const auto& [in, slice] : copies)
              StridedCopyForward(in, slice, Activation::kNone, s.stream);
          },
          0};
}

BoundNode BindAdd(const NodeBinding& b) {
  const simt::ConstTensorRef x = b.inputs.at(0), y = b.inputs.at(1);
  const simt::TensorRef out = b.output;
  return {[x, y, out](const StreamResources& s) { AddForward(x, y, out, s.stream); }, 0};
}

// A ChannelSlice is normally a view (never launched); launched only where it writes a
// concat slice: a strided copy of its channels.
BoundNode BindChannelSlice(const NodeBinding& b) {
  const simt::ConstTensorRef whole = b.inputs.at(0);
  const int64_t offset = b.node->attr<ChannelSliceAttrs>().channel_offset;
  const simt::ConstTensorRef in(whole.data + offset * whole.shape.h * whole.shape.w, b.output.shape,
                                whole.batch_stride);
  const simt::TensorRef out = b.output;
  return {[in, out](const StreamResources& s) {
            StridedCopyForward(in, out, Activation::kNone, s.stream);
          },
          0};
}

struct Launcher {
  OpKind kind;
  BoundNode (*bind)(const NodeBinding&);
};

const Launcher kLaunchers[] = {
    {OpKind::kConv2d, BindConv2d},   {OpKind::kFusedReduceConv, BindFusedReduceConv},
    {OpKind::kReLU, BindRelu},       {OpKind::kMaxPool, BindPool},
    {OpKind::kAvgPool, BindPool},    {OpKind::kAdaptiveAvgPool, BindAdaptiveAvgPool},
    {OpKind::kLRN, BindLrn},         {OpKind::kBatchNorm, BindBatchNorm},
    {OpKind::kConcat, BindConcat},   {OpKind::kDropout, BindCopy},
    {OpKind::kFlatten, BindCopy},    {OpKind::kLinear, BindLinear},
    {OpKind::kSoftmax, BindSoftmax}, {OpKind::kChannelAffine, BindChannelAffine},
    {OpKind::kAdd, BindAdd},         {OpKind::kChannelSlice, BindChannelSlice},
};

}  // namespace

BoundNode BindNode(const NodeBinding& binding) {
  const Node& node = *binding.node;
  for (const Launcher& l : kLaunchers) {
    if (l.kind != node.op) continue;
    try {
      if (binding.typed) return BindTypedNode(binding);
      return l.bind(binding);
    } catch (const Error& e) {
      throw Error("cuda backend: node \"" + node.name + "\" (" + OpName(node.op) +
                  "): " + e.what());
    }
  }
  throw Error("cuda backend: node \"" + node.name + "\": op " + OpName(node.op) +
              " has no CUDA launcher");
}

}  // namespace cuda
}  // namespace incept

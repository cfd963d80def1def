#include "host/host_ops.h"

#include "graph/error.h"
#include "graph/op_registry.h"
#include "host/kernels/adaptive_avg_pool.h"
#include "host/kernels/batch_norm.h"
#include "host/kernels/concat.h"
#include "host/kernels/conv2d.h"
#include "host/kernels/elementwise.h"
#include "host/kernels/fused_reduce_conv.h"
#include "host/kernels/linear.h"
#include "host/kernels/lrn.h"
#include "host/kernels/pool.h"
#include "host/kernels/softmax.h"

namespace incept {
namespace {

const float* Data(const NodeParams& params, const char* role) {
  auto it = params.find(role);
  return it == params.end() ? nullptr : it->second->data.data();
}

using HostKernel = void (*)(const Node&, const std::vector<ConstTensorView>&, const NodeParams&,
                            TensorView);

struct HostOp {
  OpKind kind;
  HostKernel run;
};

const HostOp kHostOps[] = {
    {OpKind::kConv2d,
     [](const Node& n, const std::vector<ConstTensorView>& in, const NodeParams& p,
        TensorView out) {
       Conv2dForward(in[0], Data(p, "weight"), Data(p, "bias"), n.attr<Conv2dAttrs>(), out);
     }},
    {OpKind::kFusedReduceConv,
     [](const Node& n, const std::vector<ConstTensorView>& in, const NodeParams& p,
        TensorView out) {
       FusedReduceConvForward(in[0], Data(p, "reduce_weight"), Data(p, "reduce_bias"),
                              Data(p, "weight"), Data(p, "bias"), n.attr<FusedReduceConvAttrs>(),
                              out);
     }},
    {OpKind::kReLU, [](const Node&, const std::vector<ConstTensorView>& in, const NodeParams&,
                       TensorView out) { ReluForward(in[0], out); }},
    {OpKind::kMaxPool, [](const Node& n, const std::vector<ConstTensorView>& in, const NodeParams&,
                          TensorView out) { MaxPoolForward(in[0], n.attr<PoolAttrs>(), out); }},
    {OpKind::kAvgPool, [](const Node& n, const std::vector<ConstTensorView>& in, const NodeParams&,
                          TensorView out) { AvgPoolForward(in[0], n.attr<PoolAttrs>(), out); }},
    {OpKind::kAdaptiveAvgPool,
     [](const Node&, const std::vector<ConstTensorView>& in, const NodeParams&, TensorView out) {
       AdaptiveAvgPoolForward(in[0], out);
     }},
    {OpKind::kLRN, [](const Node& n, const std::vector<ConstTensorView>& in, const NodeParams&,
                      TensorView out) { LrnForward(in[0], n.attr<LrnAttrs>(), out); }},
    {OpKind::kBatchNorm,
     [](const Node& n, const std::vector<ConstTensorView>& in, const NodeParams& p,
        TensorView out) {
       BatchNormForward(in[0], Data(p, "weight"), Data(p, "bias"), Data(p, "running_mean"),
                        Data(p, "running_var"), n.attr<BatchNormAttrs>().eps, out);
     }},
    {OpKind::kConcat, [](const Node&, const std::vector<ConstTensorView>& in, const NodeParams&,
                         TensorView out) { ConcatForward(in, out); }},
    {OpKind::kDropout, [](const Node&, const std::vector<ConstTensorView>& in, const NodeParams&,
                          TensorView out) { CopyForward(in[0], out); }},
    {OpKind::kFlatten,
     [](const Node&, const std::vector<ConstTensorView>& in, const NodeParams&, TensorView out) {
       // (N, C, H, W) -> (N, CHW): the same bytes per image, read as one plane.
       ConstTensorView flat(in[0].data, out.shape, in[0].batch_stride);
       CopyForward(flat, out);
     }},
    {OpKind::kLinear,
     [](const Node&, const std::vector<ConstTensorView>& in, const NodeParams& p, TensorView out) {
       LinearForward(in[0], Data(p, "weight"), Data(p, "bias"), out);
     }},
    {OpKind::kSoftmax, [](const Node&, const std::vector<ConstTensorView>& in, const NodeParams&,
                          TensorView out) { SoftmaxForward(in[0], out); }},
    {OpKind::kChannelAffine,
     [](const Node& n, const std::vector<ConstTensorView>& in, const NodeParams&, TensorView out) {
       ChannelAffineForward(in[0], n.attr<ChannelAffineAttrs>(), out);
     }},
    {OpKind::kAdd, [](const Node&, const std::vector<ConstTensorView>& in, const NodeParams&,
                      TensorView out) { AddForward(in[0], in[1], out); }},
    {OpKind::kChannelSlice,
     [](const Node& n, const std::vector<ConstTensorView>& in, const NodeParams&, TensorView out) {
       // Normally a view (never launched); launched only where it writes a concat slice.
       const int64_t offset = n.attr<ChannelSliceAttrs>().channel_offset;
       ConstTensorView channels(in[0].data + offset * in[0].shape.plane(), out.shape,
                                in[0].batch_stride);
       CopyForward(channels, out);
     }},
};

}  // namespace

void RunHostNode(const Node& node, const std::vector<ConstTensorView>& inputs,
                 const NodeParams& params, TensorView out) {
  for (const HostOp& op : kHostOps)
    if (op.kind == node.op) return op.run(node, inputs, params, out);
  throw Error("host backend: node \"" + node.name + "\": op " + OpName(node.op) +
              " is not something the host runs");
}

}  // namespace incept

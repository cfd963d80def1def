// The launch table of fp16/bf16 plans: OpKind -> a binder over typed views (each value in
// its planned element type and layout, cuda/plan/typed_views.h), the same contract as
// cuda/node_launch.h's (resolve once, return a closure that only enqueues).
//
//   Conv2d            cuDNN NHWC T, tensor cores, fp32 accumulation, bias + ReLU fused
//                     (cuda/cudnn_conv_typed.h); a conv reading the caller's fp32 NCHW
//                     input first converts it to T NHWC in its scratch; into a concat slice
//                     by the strategy recorded in BoundNode::note
//   Linear            cublasGemmEx (T inputs, fp32 result) then, in fp32, + bias and one
//                     rounding to the output's type (ChannelAffine with scale 1)
//   Max/AvgPool, AdaptiveAvgPool, LRN    our typed kernels (fp32 inside)
//   ChannelAffine, BatchNorm             typed ChannelAffine (fp32 NCHW input -> T NHWC)
//   ReLU, Dropout, Flatten, Concat copies, ChannelSlice copies   typed strided copy
//   Add               typed add
//   Softmax           fp32 (the policy keeps its input and output fp32)
//   FusedReduceConv   the tensor-core fused kernel (cuda/launch_fused_reduce_conv_tc.h), T
//                     NHWC in and out, at the launch its reduce-fusion decision recorded
// What each op accepts (formats, padding) is cuda/plan/typed_support.h, asked first.
// Each conv's scratch (converted input, dense output, cuDNN workspace) lies in its stream's
// workspace (cuda/plan/conv_descriptors.h, LayoutConvScratch); the FC's fp32 GEMM result
// too.
#pragma once

#include "cuda/node_launch.h"

namespace incept {
namespace cuda {

// Binds one launched node of a typed plan (binding.typed); throws incept::Error (the caller
// names the node) if its op or formats are not supported.
BoundNode BindTypedNode(const NodeBinding& binding);

}  // namespace cuda
}  // namespace incept

// What the CUDA backend's fp16/bf16 launch table (cuda/node_launch_typed.h) accepts, as a
// plain function over a node and the formats of its views (ggml's supports_op): the binder
// asks it first, so a plan it cannot run fails with this one-line reason, and CPU tests run
// it over whole plans (GoogLeNet, Inception-v3 at fp16 and bf16) without a device.
//
//   Conv2d                     symmetric padding (cuDNN's descriptor); any input (fp32 or
//                              strided inputs are copied to dense T NHWC first) and output
//                              (another format than T NHWC is written through a copy)
//   Linear                     input fp16/bf16, one row per image (NCHW, or H = W = 1);
//                              output fp32 or the input's type
//   MaxPool, AvgPool, AdaptiveAvgPool, LRN   input and output of one format
//   Add                        both inputs and the output of one format
//   Softmax                    fp32 input and output, NCHW or H = W = 1
//   Flatten                    input NCHW or H = W = 1 (the same element order)
//   ChannelAffine, BatchNorm, ReLU, Dropout, Concat, ChannelSlice   any formats
//   FusedReduceConv            input and output fp16/bf16 NHWC of one type (the
//                              tensor-core kernel; its shape limits it checks itself)
//
// Threads: pure functions of their arguments, callable from any thread.
#pragma once

#include <string>
#include <vector>

#include "cuda/kernels/any_tensor_ref.h"
#include "graph/graph.h"

namespace incept {
namespace cuda {

// "" when the typed table can launch `node` on these views (geometry and formats only),
// else why not, in one line (the caller names the node).
std::string TypedLaunchProblem(const Node& node, const std::vector<simt::AnyTensorRef>& inputs,
                               const simt::AnyTensorRef& output);

}  // namespace cuda
}  // namespace incept

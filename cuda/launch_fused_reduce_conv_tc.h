// The node launcher's binder for FusedReduceConv under fp16/bf16 NHWC plans: the
// tensor-core fused reduce conv (cuda/fused_reduce_conv_tc.cuh). fp32 plans keep the SIMT
// kernel (node_launch.cc's BindFusedReduceConv hands reduced types to this one).
//
// Weights: W1 and W2 packed once into the kernel's padded 16-bit layouts
// (PackFusedReduceConvTcWeights, cuda/kernels/fused_reduce_conv_tc_args.h; rounded once to
// nearest even, graph/float16.h) and uploaded once per weights upload: every context
// compiled on the same DeviceWeights content shares the packed copy. Biases stay fp32.
// Launch: the tile height and output channels per block the plan's reduce-fusion decision
// recorded (NodeBinding::fused_tile_h, fused_cout_per_block), the kernel's defaults when 0.
// The output may be a channel slice of an NHWC concat buffer (pixel stride = the buffer's
// channels). Thread-safe.
#pragma once

#include "cuda/node_launch.h"

namespace incept {
namespace cuda {

// Throws incept::Error naming the node when the pair is not supported by the kernel (a
// 1x7 kernel, a stride) or the value is not NHWC fp16/bf16.
BoundNode BindFusedReduceConvTc(const NodeBinding& binding);

}  // namespace cuda
}  // namespace incept

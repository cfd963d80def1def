// The typed device views of a plan's values (plan.values[i].format), as plain arithmetic so
// CPU tests check them against the memory plan:
//
//   value i at arena + plan.values[i].offset (element 0, bytes), of graph.nodes[i].shape,
//   in its format's element type and layout, with
//     batch stride  its root's C*H*W when it is a slice or a channel view (it strides over
//                   its root's images), else its own C*H*W
//     pixel stride  (NHWC) its root's C for a slice or channel view, else its own C
//
// (cuda/kernels/element_access.cuh's offsets; an alias is contiguous: its own strides.)
//
// Threads: pure functions of their arguments, callable from any thread.
#pragma once

#include <cstdint>

#include "cuda/kernels/any_tensor_ref.h"
#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {
namespace cuda {

// The view of node `node`'s value in an arena starting at `arena` (any address: nothing is
// dereferenced). Throws incept::Error when the plan has no memory plan for the graph.
simt::AnyTensorRef TypedValueRef(const Graph& graph, const Plan& plan, int node, void* arena);

// Channels [offset, offset + shape.c) of `whole` as a tensor of `shape` (same images and
// pixels): offset * H * W elements in NCHW, offset elements inside each pixel in NHWC; the
// strides stay the whole's.
simt::AnyTensorRef ChannelRange(const simt::AnyTensorRef& whole, int64_t offset,
                                const Shape& shape);

}  // namespace cuda
}  // namespace incept

// The precision policy: which element type and layout every value of a graph gets under a
// Precision (docs/design.md §7), and a memory plan made with them.
//
// fp32 and tf32: every value fp32 NCHW (tf32 changes the math of the convs and the FC, not
// the data). fp16 and bf16 (T below): the body of the network in T, NHWC; fp32 NCHW where
// the caller meets the plan or a reduction needs the range:
//
//   op                         reads                 computes               writes
//   Input                      -                     -                      fp32 NCHW (caller)
//   Conv2d, FusedReduceConv    T NHWC (*)            fp32 accumulation,     T NHWC
//                                                    tensor cores; bias,
//                                                    ReLU in fp32
//   Linear (FC)                T                     fp32 accumulation      T; fp32 when an
//                                                                           output or read
//                                                                           by Softmax
//   ChannelAffine              fp32 NCHW (*)         fp32                   T NHWC
//   MaxPool, AvgPool, LRN,     T NHWC                fp32 (sums, squares,   T NHWC
//   AdaptiveAvgPool, ReLU,                           means)
//   BatchNorm, Add
//   Softmax                    fp32                  fp32                   fp32 NCHW
//   Concat, ChannelSlice,      views: their root's type and layout (a Concat that is not
//   Dropout, Flatten           elided copies in T)
//
// (*) The first kernel reads the caller's fp32 NCHW input and converts it: ChannelAffine
// (transform_input) writes T NHWC; a conv reading the Input converts it on the way in.
// Graph outputs (and aux outputs) are fp32 NCHW: their producer writes fp32. A value with
// H = W = 1 has the same bytes in NCHW and NHWC. Weights of the convs and the FC are folded
// in fp32 (BatchNorm) and rounded to T once, when the backend takes them.
#pragma once

#include <vector>

#include "graph/element_type.h"
#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

// Whether the op's weights are stored (rounded once, at upload) in the precision's storage
// type: Conv2d, FusedReduceConv and Linear, the tensor-core ops.
bool WeightsInStorageType(OpKind op);

// One format per node's value. Every view gets its root's format; a root is fp32 NCHW if
// any value viewing it must be (an Input, a graph or aux output, a Softmax or its input).
// Throws Error for a Flatten of an NHWC value with H*W > 1 (its element order would differ
// from the NCHW flatten).
std::vector<ValueFormat> AssignValueFormats(const Graph& graph, Precision precision);

// Re-plans the memory of a scheduled plan under `precision`: fp32 and tf32 keep the uniform
// fp32 plan (the same offsets as PlanMemory's default), fp16 and bf16 get per-value formats.
// Sets plan.precision and checks the result (CheckNoOverlap).
void PlanMemoryForPrecision(const Graph& graph, Plan& plan, Precision precision,
                            int64_t alignment = 256,
                            const std::vector<int64_t>& workspace_bytes = {});

}  // namespace incept

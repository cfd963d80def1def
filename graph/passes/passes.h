// The planner's graph passes. Each is a separate, named function over the graph (and the
// weights where it rewrites them) that keeps the graph's function unchanged; each returns
// how many rewrites it made. Run them after InferShapes; each leaves shapes inferred.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/tensor.h"

namespace incept {

// Removes Dropout (identity at inference; consumers read its input) and every node that
// no graph output depends on (aux heads). Returns the number of nodes removed.
int EliminateDeadNodes(Graph& graph);

// Conv -> BatchNorm, where the BatchNorm is the conv's only consumer, becomes one conv:
//   s = gamma / sqrt(var + eps);  w'[o] = w[o] * s[o];  b'[o] = (b[o] - mean[o]) * s[o] + beta[o]
// The new tensors are added to `weights` as "<conv weight>@bn" and "<conv name>.bias@bn".
int FoldBatchNorm(Graph& graph, WeightMap& weights);

// Conv (no activation) -> ReLU, where the ReLU is the conv's only consumer, becomes a conv
// with a ReLU epilogue.
int FuseConvRelu(Graph& graph);

// A 1x1 stride-1 unpadded conv with bias and ReLU whose only consumer is a KxK (K > 1)
// conv with bias becomes one FusedReduceConv node (named as the KxK conv).
int FuseReduceConv(Graph& graph);

// One such pair: node indices of the 1x1 reduce and of the KxK conv that alone reads it.
// A pair is named after its KxK conv (the name the fused node keeps).
struct ReducePair {
  int reduce = -1;
  int conv = -1;
};
// Every fusable pair of `graph`, in node order of the reduce.
std::vector<ReducePair> FindReducePairs(const Graph& graph);
// As FuseReduceConv, fusing only the pairs `fuse` accepts. Fusing after ElideConcats is
// the same as before it: the fused node keeps the KxK conv's output (and its concat slice).
using ReducePairFilter = std::function<bool(const Node& reduce, const Node& conv)>;
int FuseReduceConv(Graph& graph, const ReducePairFilter& fuse);

// The 1x1 stride-1 unpadded ungrouped convs (no output slice, not graph outputs, not read
// by a Concat alone: those write their concat slice in place) that read the same value
// with the same bias use and activation become one conv "<first>+merged"
// with their output channels stacked in node order (weights "<first>+merged.weight" and
// ".bias" added to `weights`); each original conv becomes a ChannelSlice of it, keeping its
// name, so its readers are unchanged. Returns the number of merged groups.
int MergeHorizontal1x1(Graph& graph, WeightMap& weights);

// Every input of a Concat that only the Concat reads writes straight into its channel
// slice (Node::output_slice); a Concat whose inputs all do is marked elided (a view, no
// work). An elided Concat that only another Concat reads is itself a slice of that one
// (nested concats). Returns the number of Concats elided.
int ElideConcats(Graph& graph);

// The fusions made by OptimizeGraph, by kind.
struct PassReport {
  int dead_removed = 0;
  int batchnorm_folded = 0;
  int conv_relu = 0;
  int reduce_conv = 0;  // the Engine fuses per input shape instead (Plan::reduce_fusions)
  int concat_elided = 0;
  int horizontal_merged = 0;
};

struct OptimizeOptions {
  bool fold_batchnorm = true;
  bool fuse_conv_relu = true;
  bool fuse_reduce = true;
  bool elide_concats = true;
  // Off until the GPU tactic selection decides. It runs before reduce fusion, so it takes
  // the reduces that read a block's input (they become slices, which do not fuse): a choice
  // between one wide GEMM and fused reduce+KxK convs.
  bool merge_horizontal = false;
};

// All passes in order: dead nodes, BatchNorm folding, conv+ReLU, horizontal 1x1 merging
// (if enabled), reduce fusion, concat elision.
PassReport OptimizeGraph(Graph& graph, WeightMap& weights, const OptimizeOptions& options = {});

}  // namespace incept

#include "graph/passes/passes.h"
#include "graph/shape_inference.h"

namespace incept {

PassReport OptimizeGraph(Graph& graph, WeightMap& weights, const OptimizeOptions& options) {
  PassReport report;
  report.dead_removed = EliminateDeadNodes(graph);
  if (options.fold_batchnorm) report.batchnorm_folded = FoldBatchNorm(graph, weights);
  if (options.fuse_conv_relu) report.conv_relu = FuseConvRelu(graph);
  if (options.merge_horizontal) report.horizontal_merged = MergeHorizontal1x1(graph, weights);
  if (options.fuse_reduce) report.reduce_conv = FuseReduceConv(graph);
  if (options.elide_concats) report.concat_elided = ElideConcats(graph);
  InferShapes(graph);  // the rewritten graph must still be consistent
  return report;
}

}  // namespace incept

// The precision policy (precision_policy.h): per-value formats from a Precision.
#include "graph/planner/precision_policy.h"

#include <string>

#include "graph/error.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/views.h"

namespace incept {
namespace {

int RootOf(const GraphViews& views, int v) {
  while (views.kind[v] != ValueKind::kBuffer) v = views.base[v];
  return v;
}

constexpr OpKind kTensorCoreOps[] = {OpKind::kConv2d, OpKind::kFusedReduceConv, OpKind::kLinear};

}  // namespace

bool WeightsInStorageType(OpKind op) {
  for (OpKind k : kTensorCoreOps)
    if (k == op) return true;
  return false;
}

std::vector<ValueFormat> AssignValueFormats(const Graph& graph, Precision precision) {
  const int n = static_cast<int>(graph.nodes.size());
  const ValueFormat fp32{ElementType::kF32, Layout::kNCHW};
  if (!IsReduced(precision)) return std::vector<ValueFormat>(n, fp32);
  const ValueFormat reduced{StorageType(precision), Layout::kNHWC};

  const GraphViews views = AnalyzeViews(graph);
  std::vector<bool> fp32_root(n, false);
  for (int v = 0; v < n; ++v) {
    const OpKind op = graph.nodes[v].op;
    if (op == OpKind::kInput || op == OpKind::kSoftmax || views.is_output[v])
      fp32_root[RootOf(views, v)] = true;
    if (op == OpKind::kSoftmax)
      for (int p : views.inputs[v]) fp32_root[RootOf(views, p)] = true;
  }
  std::vector<ValueFormat> formats(n);
  for (int v = 0; v < n; ++v) formats[v] = fp32_root[RootOf(views, v)] ? fp32 : reduced;

  for (int v = 0; v < n; ++v) {
    const Node& node = graph.nodes[v];
    if (node.op != OpKind::kFlatten) continue;
    for (int p : views.inputs[v]) {
      const Shape& in = graph.nodes[p].shape;
      if (formats[p].layout == Layout::kNHWC && in.plane() > 1) {
        throw Error("precision " + std::string(PrecisionName(precision)) + ": Flatten \"" +
                    node.name + "\" reads \"" + graph.nodes[p].name + "\" (" + in.str() +
                    ") in NHWC, whose element order differs from NCHW's for H*W > 1; use "
                    "--precision fp32 or pool to 1x1 before flattening");
      }
    }
  }
  return formats;
}

void PlanMemoryForPrecision(const Graph& graph, Plan& plan, Precision precision, int64_t alignment,
                            const std::vector<int64_t>& workspace_bytes) {
  if (IsReduced(precision)) {
    PlanMemory(graph, plan, AssignValueFormats(graph, precision), alignment, workspace_bytes);
  } else {
    PlanMemory(graph, plan, 4, alignment, workspace_bytes);
  }
  plan.precision = precision;
  CheckNoOverlap(graph, plan);
}

}  // namespace incept

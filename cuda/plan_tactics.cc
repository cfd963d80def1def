#include "cuda/plan_tactics.h"

#include <string>

#include "graph/op_registry.h"

namespace incept {
namespace cuda {
namespace {

// The kernel kind of each launched op on this backend; ops not listed run our SIMT kernels.
struct OpTactic {
  OpKind op;
  TacticKind kind;
};
constexpr OpTactic kOpTactics[] = {
    {OpKind::kConv2d, TacticKind::kCudnnConv},
    {OpKind::kFusedReduceConv, TacticKind::kFusedReduceConv},
    {OpKind::kLinear, TacticKind::kCublasGemm},
};

TacticKind KindOf(OpKind op) {
  for (const OpTactic& t : kOpTactics)
    if (t.op == op) return t.kind;
  return TacticKind::kOwnKernel;
}

}  // namespace

void FillCudaTactics(const Graph& graph, Plan& plan, ConvChoice choice,
                     const std::vector<TacticCandidate>& candidates) {
  AssignUniformTactics(graph, plan, TacticKind::kOwnKernel, "simt");
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Tactic& t = plan.tactics[i];
    if (t.kind == TacticKind::kNone) continue;
    t.kind = KindOf(graph.nodes[i].op);
    switch (t.kind) {
      case TacticKind::kCudnnConv:
        t.name = choice == ConvChoice::kHeuristic ? kHeuristicTacticName : kTimedAloneTacticName;
        t.candidates = candidates;
        break;
      case TacticKind::kCublasGemm:
        t.name = "cublas/sgemm";
        break;
      case TacticKind::kFusedReduceConv:
        t.name = "simt/fused_reduce_conv";
        break;
      default:
        t.name = std::string("simt/") + OpName(graph.nodes[i].op);
        break;
    }
  }
}

std::optional<ConvChoice> RecordedConvChoice(const Plan& plan) {
  for (const Tactic& t : plan.tactics) {
    if (t.kind != TacticKind::kCudnnConv) continue;
    if (t.name == kHeuristicTacticName) return ConvChoice::kHeuristic;
    if (t.name == kTimedAloneTacticName) return ConvChoice::kTimedAlone;
  }
  return std::nullopt;
}

}  // namespace cuda
}  // namespace incept

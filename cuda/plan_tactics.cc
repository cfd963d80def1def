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

std::string CudnnAlgorithmName(int algorithm) {
  // cudnnConvolutionFwdAlgo_t, in its order (cudnn_cnn.h).
  static const char* const kNames[] = {
      "IMPLICIT_GEMM", "IMPLICIT_PRECOMP_GEMM", "GEMM", "DIRECT", "FFT", "FFT_TILING",
      "WINOGRAD",      "WINOGRAD_NONFUSED"};
  if (algorithm >= 0 && algorithm < static_cast<int>(sizeof kNames / sizeof kNames[0]))
    return kNames[algorithm];
  return "ALGO_" + std::to_string(algorithm);
}

int CudnnAlgorithmFromName(const std::string& name) {
  for (int a = 0; a < 64; ++a)
    if (CudnnAlgorithmName(a) == name) return a;
  return -1;
}

const char* ChoiceName(ConvChoice choice) {
  switch (choice) {
    case ConvChoice::kHeuristic:
      return kHeuristicTacticName;
    case ConvChoice::kTimedAlone:
      return kTimedAloneTacticName;
    case ConvChoice::kCached:
      return kCachedTacticName;
  }
  return kHeuristicTacticName;
}

void FillCudaTactics(const Graph& graph, Plan& plan, const ConvTactics& convs) {
  AssignUniformTactics(graph, plan, TacticKind::kOwnKernel, "simt");
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Tactic& t = plan.tactics[i];
    if (t.kind == TacticKind::kNone) continue;
    t.kind = KindOf(graph.nodes[i].op);
    switch (t.kind) {
      case TacticKind::kCudnnConv: {
        const int algorithm = i < convs.algorithms.size() ? convs.algorithms[i] : -1;
        t.name = ChoiceName(convs.choice);
        if (algorithm >= 0) {
          t.algorithm = algorithm;
          t.name += "/" + CudnnAlgorithmName(algorithm);
        }
        t.math = convs.math;
        if (i < convs.workspace_bytes.size())
          t.workspace_bytes = static_cast<int64_t>(convs.workspace_bytes[i]);
        const bool per_node = i < convs.node_candidates.size() && !convs.node_candidates[i].empty();
        t.candidates = per_node ? convs.node_candidates[i] : convs.plan_candidates;
        break;
      }
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
    if (t.name.rfind(kHeuristicTacticName, 0) == 0) return ConvChoice::kHeuristic;
    if (t.name.rfind(kTimedAloneTacticName, 0) == 0) return ConvChoice::kTimedAlone;
    if (t.name.rfind(kCachedTacticName, 0) == 0) return ConvChoice::kCached;
  }
  return std::nullopt;
}

std::vector<int> RecordedConvAlgorithms(const Plan& plan) {
  std::vector<int> out(plan.tactics.size(), -1);
  bool any = false;
  for (size_t i = 0; i < plan.tactics.size(); ++i) {
    const Tactic& t = plan.tactics[i];
    if (t.kind != TacticKind::kCudnnConv) continue;
    if (t.algorithm < 0) return {};
    out[i] = t.algorithm;
    any = true;
  }
  return any ? out : std::vector<int>{};
}

}  // namespace cuda
}  // namespace incept

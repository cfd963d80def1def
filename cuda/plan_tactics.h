// The CUDA backend's tactics as plan data (graph/planner/tactic.h): which kind of kernel
// runs each node (a table by op), and how the convs' cuDNN algorithms are chosen.
//
// The conv choice is made for the whole plan, in context: a context is built with cuDNN's
// heuristic algorithms and one with each conv's algorithm timed alone, and the two plans'
// concurrent CUDA-graph replays are timed in rotating rounds until their spreads settle
// (SelectTactic, graph/planner/tactic_select.h); the heuristic (the incumbent) is kept
// unless the other is faster beyond the noise. The choice and both candidates' medians and
// spreads are written into every conv's tactic, so an engine file built on one run is
// compiled on the next without timing the two plans again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {
namespace cuda {

// kCached: every conv's algorithm came from the timing cache (nothing timed).
enum class ConvChoice { kHeuristic, kTimedAlone, kCached };

constexpr char kHeuristicTacticName[] = "cudnn/heuristic";
constexpr char kTimedAloneTacticName[] = "cudnn/timed-alone";
constexpr char kCachedTacticName[] = "cudnn/timing-cache";

// What was chosen for the convs: the policy, and per node (indexed like graph.nodes, or
// empty) the cuDNN algorithm bound, its workspace and the candidates timed for it.
struct ConvTactics {
  ConvChoice choice = ConvChoice::kHeuristic;
  std::vector<TacticCandidate> plan_candidates;  // the two policies, timed on the whole plan
  std::vector<int> algorithms;                   // -1: not a cuDNN conv
  std::vector<size_t> workspace_bytes;
  std::vector<std::vector<TacticCandidate>> node_candidates;  // per node; empty: not timed
  MathType math = MathType::kFma;
};

// Fills plan.tactics: per launched node the kind of its kernel (cuDNN conv, cuBLAS linear,
// our fused reduce conv or SIMT kernels); each conv named after its algorithm where one is
// known ("cudnn/IMPLICIT_GEMM", with the algorithm id), else after the policy, with the
// per-node candidates if any were timed, else the plan-level ones.
void FillCudaTactics(const Graph& graph, Plan& plan, const ConvTactics& convs);

// The conv choice recorded in plan.tactics, if any conv has one.
std::optional<ConvChoice> RecordedConvChoice(const Plan& plan);
// Per node, the cuDNN algorithm the tactics record (-1 elsewhere); empty unless every
// launched conv records one.
std::vector<int> RecordedConvAlgorithms(const Plan& plan);

// "IMPLICIT_GEMM", ... for cudnnConvolutionFwdAlgo_t values; "ALGO_<n>" beyond the table.
std::string CudnnAlgorithmName(int algorithm);
// Inverse of CudnnAlgorithmName; -1 for a name it does not give.
int CudnnAlgorithmFromName(const std::string& name);

}  // namespace cuda
}  // namespace incept

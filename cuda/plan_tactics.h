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
#include <vector>

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {
namespace cuda {

enum class ConvChoice { kHeuristic, kTimedAlone };

constexpr char kHeuristicTacticName[] = "cudnn/heuristic";
constexpr char kTimedAloneTacticName[] = "cudnn/timed-alone";

// Fills plan.tactics: per launched node the kind of its kernel (cuDNN conv, cuBLAS linear,
// our fused reduce conv or SIMT kernels); convs named after `choice`, with `candidates`.
void FillCudaTactics(const Graph& graph, Plan& plan, ConvChoice choice,
                     const std::vector<TacticCandidate>& candidates);

// The conv choice recorded in plan.tactics, if any conv has one.
std::optional<ConvChoice> RecordedConvChoice(const Plan& plan);

}  // namespace cuda
}  // namespace incept

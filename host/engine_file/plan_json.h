// A Plan (graph/planner/plan.h, with its tactics) as JSON, for engine files, and the
// validation a plan read from an untrusted file needs before any backend touches it.
//
//   {"num_streams": 2, "num_events": 3,
//    "streams": [[["launch", 1], ["record", 0]], [["wait", 0], ["launch", 2]]],
//    "node_stream": [-1, 0, 1], "order": [[0, 0], [0, 1], [1, 0], [1, 1]],
//    "bytes_per_element": 4, "alignment": 256,
//    "values": [[kind, root, offset, bytes], ...], "workspaces": [[offset, bytes], ...],
//    "arena_bytes": ..., "lower_bound_bytes": ..., "naive_bytes": ...,
//    "tactics": [{"kind": "host", "name": "host", "algorithm": -1, "math": "default",
//                 "workspace_bytes": 0, "candidates": [[name, median_us, spread, samples]]}],
//    "reduce_fusions": [{"pair": KxK conv, "reduce": 1x1 conv, "fused": true,
//                        "reason": "measured", "why": "", "tile_h": 8, "cout_per_block": 64,
//                        "candidates": [[name, median_us, spread, samples], ...]}]}
//
// "reduce_fusions" (optional; absent: none) are the plan's reduce-fusion decisions
// (graph/planner/reduce_fusion_decision.h): the graph stored beside the plans is unfused,
// and a reader applies them (ApplyReduceFusions) before PlanFromJson validates the plan.
//
// Nodes are referred to by index into the graph's nodes (the graph is stored beside it).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

nlohmann::json PlanToJson(const Plan& plan);

nlohmann::json ReduceFusionsToJson(const std::vector<ReduceFusionDecision>& decisions);
// The "reduce_fusions" of plan JSON `plan` (empty if absent), each field checked; Error
// naming `where` and the field otherwise. Whether they fit a graph: ApplyReduceFusions.
std::vector<ReduceFusionDecision> ReduceFusionsFromJson(const nlohmann::json& plan,
                                                        const std::string& where);

// Reads a plan for `graph` (shapes inferred for the plan's input) and validates it: every
// count and index in range (streams, events, nodes, steps), each launched node on the
// stream node_stream says, fp32 elements, sizes within kMaxPlanArenaBytes, one tactic per
// node, then CheckNoOverlap (the schedule is deadlock-free and no two buffers that may be
// live at once share bytes). Throws Error naming `where` and what is wrong.
Plan PlanFromJson(const nlohmann::json& j, const Graph& graph, const std::string& where);

constexpr int64_t kMaxPlanArenaBytes = int64_t{1} << 40;  // 1 TiB: larger is hostile
constexpr int kMaxPlanStreams = 64;

}  // namespace incept

// ProfileReport: everything `incept profile` prints, computed from the records of profiled
// runs of one plan, the same for every backend (host: one record per node launch; CUDA: one
// per kernel, copy or memset). Plain data, printable as a table or JSON. Everything in
// graph/profile/ is a pure function of its arguments (KernelNodeMap excepted, which locks):
// safe to call from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "graph/backend.h"
#include "graph/graph.h"
#include "graph/planner/plan.h"
#include "graph/planner/tactic.h"
#include "graph/profile/critical_path.h"
#include "graph/profile/plan_dag.h"
#include "graph/profile/roofline.h"
#include "graph/profile/timeline.h"

namespace incept::profile {

struct ProfileInput {
  const Graph* graph = nullptr;
  const Plan* plan = nullptr;
  std::vector<std::vector<NodeTiming>> runs;  // one per profiled run
  std::vector<double> run_us;                 // per run: the backend's RunOptions::run_us
  DeviceCeilings ceilings;
};

struct NodeRow {
  NodeTimes times;
  NodeCost cost;
  Roofline roofline;  // over times.span_us
  bool critical = false;
  Tactic tactic;  // the plan's chosen tactic for the node, with its timed candidates
};

struct BlockTime {
  InceptionBlock block;
  double time_us = 0;  // the block's finish (max branch finish) - the fork's EF
};

struct ProfileReport {
  PlanDag dag;
  std::vector<NodeRow> rows;        // nodes with records, slowest first
  std::vector<double> duration_us;  // per graph node: the median span (0 without records)
  CriticalPath critical_path;
  std::vector<BlockTime> blocks;
  Concurrency concurrency;  // medians over runs of each figure; in_flight from the last run
  double run_us = 0;        // median of ProfileInput::run_us (0 if not given)
  size_t unmapped = 0;      // records of the last run that no node claims
  DeviceCeilings ceilings;
  int runs = 0;
};

ProfileReport AnalyzeProfile(const ProfileInput& input);

// Same data as the table. `top` limits the rows (all if <= 0); with `kernels`, each row
// is followed by its kernels' names; with `tactics`, by the candidates its tactic was
// chosen from (name, median, spread).
nlohmann::json ReportToJson(const Graph& graph, const ProfileReport& report);
std::string ReportToText(const Graph& graph, const ProfileReport& report, int top,
                         bool kernels = false, bool tactics = false);

// Per node (matched by name) and per Inception block (matched by the join's name): ours
// against a baseline profile, the baseline's nodes that ours no longer has (folded or fused
// away) summed in one line.
nlohmann::json DiffToJson(const Graph& ours_graph, const ProfileReport& ours,
                          const Graph& base_graph, const ProfileReport& base);
std::string DiffToText(const Graph& ours_graph, const ProfileReport& ours, const Graph& base_graph,
                       const ProfileReport& base, int top);

}  // namespace incept::profile

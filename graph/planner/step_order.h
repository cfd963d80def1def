// Happens-before over a plan's steps: step a happens before step b iff b is after a on
// the same stream, or a path of stream order and record->wait edges leads from a to b.
// StepOrder computes it with a vector clock per stream: clock[t] = the number of launches
// of stream t known complete (-1: not even the start of stream t is known).
#pragma once

#include <vector>

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

// Pseudo-accesses: the caller's writes before the plan and reads after it.
constexpr int kPlanStart = -2;
constexpr int kPlanEnd = -3;

// Vector clocks of a plan's launches. Validates the steps (each event recorded once,
// every wait's event recorded on another stream, every launched node launched once, no
// deadlock) and throws Error naming the step otherwise.
class StepOrder {
 public:
  StepOrder(const Graph& graph, const Plan& plan);

  // True iff access a (a node index, kPlanStart or kPlanEnd) happens strictly before b.
  bool HappensBefore(int a, int b) const;
  // Position of a launched node in `plan.order` counting launches only (0-based); start
  // is -1 and end is the number of launches.
  int LinearIndex(int node) const;
  int num_launches() const { return num_launches_; }
  bool IsLaunched(int node) const;

 private:
  std::vector<int> stream_;              // per node, -1 if not launched
  std::vector<int> position_;            // per node, 1-based launch count on its stream
  std::vector<std::vector<int>> clock_;  // per node, clock at its launch
  std::vector<int> end_clock_;           // stream 0's clock at its end
  std::vector<int> linear_;              // per node
  int num_launches_ = 0;
};

}  // namespace incept

// MakePlan: the whole planner for one graph, in order: stream schedule (schedule.h), fp32
// memory plan (memory_plan.h), then the independent overlap check (CheckNoOverlap), so a
// Plan that leaves here is one the backends may execute.
#pragma once

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

// Schedules `graph` (shapes inferred) on at most `streams` streams, plans its fp32 memory
// and checks the plan (CheckNoOverlap). Pure: the same graph gives the same plan. Throws
// Error naming the node if the graph cannot be planned.
Plan MakePlan(const Graph& graph, int streams);

}  // namespace incept

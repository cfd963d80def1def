// MakePlan: the whole planner for one graph, in order: stream schedule (schedule.h), the
// values' element types and layouts for the precision and the memory plan
// (precision_policy.h, memory_plan.h), then the independent overlap check
// (CheckNoOverlap), so a Plan that leaves here is one the backends may execute.
#pragma once

#include "graph/element_type.h"
#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

// Schedules `graph` (shapes inferred) on at most `streams` streams, plans its memory at
// `precision` (fp32 plans are 4 bytes per element, NCHW throughout) and checks the plan
// (CheckNoOverlap). Pure: the same graph gives the same plan. Throws
// Error naming the node if the graph cannot be planned.
Plan MakePlan(const Graph& graph, int streams, Precision precision = Precision::kFp32);

}  // namespace incept

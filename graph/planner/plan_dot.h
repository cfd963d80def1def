// A plan as a Graphviz picture: one box per node, filled with its stream's colour (grey,
// dashed for nodes that are not launched: Inputs, elided Concats, aliases), an edge per
// data dependency (producer -> consumer).
#pragma once

#include <string>

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

// The colour of a stream in both pictures (a fixed palette, cycled).
const char* StreamColor(int stream);

// A "digraph" in DOT text; needs only the schedule (ScheduleStreams).
std::string PlanToDot(const Graph& graph, const Plan& plan);

}  // namespace incept

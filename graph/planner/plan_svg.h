// A memory plan as an SVG picture: x = step (the plan's launches in order, with a column
// for the caller's writes before the plan and one for its reads after it), y = arena
// offset (0 at the top). One <rect> per value, spanning the steps from its first write to
// its last access, coloured by the stream of its first writer (grey for Inputs); views
// (slices, aliases) are drawn translucent over their root. One <rect> per workspace,
// hatched by a dashed outline. Each rect has a <title> with the name, kind, byte range
// and steps (a tooltip in a browser).
#pragma once

#include <string>

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

// Throws Error if the plan has no memory plan (PlanMemory).
std::string MemoryPlanToSvg(const Graph& graph, const Plan& plan);

}  // namespace incept

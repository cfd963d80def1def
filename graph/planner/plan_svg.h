// A memory plan as an SVG picture: x = step (the plan's launches in order, with a column
// for the caller's writes before the plan and one for its reads after it), y = arena
// offset in MiB (KiB or bytes for an arena under 1 MiB), 0 at the top; both axes carry
// ticks and a title with the unit. One <rect class="block"> per value, spanning the steps
// from its first write to its last access, coloured by the stream of its first writer
// (grey for Inputs); views (slices, aliases) are drawn translucent over their root. One
// per workspace, with a dashed outline. Each block has a <title> with the value's name,
// kind, bytes, byte range and live steps (a tooltip in a browser). A legend on the right
// names the colours and styles.
#pragma once

#include <string>

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

// Throws Error if the plan has no memory plan (PlanMemory).
std::string MemoryPlanToSvg(const Graph& graph, const Plan& plan);

}  // namespace incept

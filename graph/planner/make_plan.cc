#include "graph/planner/make_plan.h"

#include "graph/planner/memory_plan.h"
#include "graph/planner/schedule.h"

namespace incept {

Plan MakePlan(const Graph& graph, int streams) {
  Plan plan = ScheduleStreams(graph, streams);
  PlanMemory(graph, plan);
  CheckNoOverlap(graph, plan);
  return plan;
}

}  // namespace incept

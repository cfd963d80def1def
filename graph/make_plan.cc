#include "graph/make_plan.h"

#include "graph/memory_plan.h"
#include "graph/schedule.h"

namespace incept {

Plan MakePlan(const Graph& graph, int streams) {
  Plan plan = ScheduleStreams(graph, streams);
  PlanMemory(graph, plan);
  CheckNoOverlap(graph, plan);
  return plan;
}

}  // namespace incept

#include "graph/planner/make_plan.h"

#include "graph/planner/precision_policy.h"
#include "graph/planner/schedule.h"

namespace incept {

Plan MakePlan(const Graph& graph, int streams, Precision precision) {
  Plan plan = ScheduleStreams(graph, streams);
  PlanMemoryForPrecision(graph, plan, precision);  // ends with CheckNoOverlap
  return plan;
}

}  // namespace incept

// PlanDag: the dependencies a plan imposes between its launches, as a DAG over nodes.
//
// Edges: a launch depends on the previous launch of its stream (stream order), and on the
// launches that a record -> wait pair orders before it (an event carries the frontier of its
// stream when it is recorded: the last launch there, or, if the stream launched nothing
// since its last waits, what those waits carried). Walking the steps in plan.order (a valid
// enqueue order) gives every launch its predecessors before it is itself a predecessor, so
// `launches` is a topological order.
#pragma once

#include <vector>

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept::profile {

enum class EdgeKind {
  kStreamOrder,  // the previous launch on the same stream
  kEvent,        // across streams: recorded after `from`, waited on before `to`
};

struct PlanEdge {
  int from = -1, to = -1;  // node indices
  EdgeKind kind = EdgeKind::kStreamOrder;
  int event = -1;  // kEvent: the plan's event id
};

struct PlanDag {
  std::vector<int> launches;                   // launched nodes, topological (plan.order)
  std::vector<std::vector<int>> predecessors;  // per node (empty if not launched)
  std::vector<PlanEdge> edges;                 // every edge once
};

// `plan` must have a stream schedule for `graph` (plan.order filled).
PlanDag BuildPlanDag(const Graph& graph, const Plan& plan);

}  // namespace incept::profile

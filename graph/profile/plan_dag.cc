// BuildPlanDag: one pass over plan.order carrying a frontier per stream and per event.
#include "graph/profile/plan_dag.h"

#include <algorithm>

#include "graph/error.h"

namespace incept::profile {
namespace {

// A frontier: the nodes whose completion is known at a point of a stream.
struct Frontier {
  std::vector<int> nodes;
  std::vector<EdgeKind> kinds;  // how each was reached (stream order or an event)
  std::vector<int> events;
  void Add(int node, EdgeKind kind, int event) {
    if (std::find(nodes.begin(), nodes.end(), node) != nodes.end()) return;
    nodes.push_back(node);
    kinds.push_back(kind);
    events.push_back(event);
  }
};

}  // namespace

PlanDag BuildPlanDag(const Graph& graph, const Plan& plan) {
  PlanDag dag;
  dag.predecessors.resize(graph.nodes.size());
  std::vector<Frontier> stream(static_cast<size_t>(plan.num_streams));
  std::vector<std::vector<int>> carried(static_cast<size_t>(plan.num_events));
  for (const StepRef& ref : plan.order) {
    if (ref.stream < 0 || ref.stream >= plan.num_streams ||
        ref.index >= static_cast<int>(plan.streams[ref.stream].size()))
      throw Error("profile: plan.order names a step the plan does not have");
    const Step& step = plan.streams[ref.stream][ref.index];
    Frontier& here = stream[ref.stream];
    switch (step.kind) {
      case StepKind::kLaunch: {
        if (step.node < 0 || step.node >= static_cast<int>(graph.nodes.size()))
          throw Error("profile: a launch step names no node of the graph");
        for (size_t i = 0; i < here.nodes.size(); ++i) {
          dag.predecessors[step.node].push_back(here.nodes[i]);
          dag.edges.push_back({here.nodes[i], step.node, here.kinds[i], here.events[i]});
        }
        dag.launches.push_back(step.node);
        here = Frontier{};
        here.Add(step.node, EdgeKind::kStreamOrder, -1);
        break;
      }
      case StepKind::kRecordEvent:
        carried.at(static_cast<size_t>(step.event)) = here.nodes;
        break;
      case StepKind::kWaitEvent:
        for (int node : carried.at(static_cast<size_t>(step.event)))
          here.Add(node, EdgeKind::kEvent, step.event);
        break;
    }
  }
  return dag;
}

}  // namespace incept::profile

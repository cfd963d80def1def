// Stream scheduling: the greedy stream assignment and the vector-clock synchronisation
// described in schedule.h.
#include "graph/planner/schedule.h"

#include <algorithm>
#include <limits>

#include "graph/error.h"
#include "graph/planner/step_order.h"
#include "graph/planner/views.h"

namespace incept {
namespace {

// What a launch (or the end of stream 0) must know complete: stream `stream` up to
// position `position`, made known by an event recorded right after `source` (a node, or
// kPlanStart for the start of stream 0).
struct Requirement {
  int stream;
  int position;
  int source;
};

// Which stream launches each launched node.
std::vector<int> AssignStreams(const std::vector<int>& launched_order,
                               const std::vector<std::vector<int>>& deps, int num_nodes,
                               int max_streams) {
  std::vector<int> pending_successors(num_nodes, 0);
  for (int node : launched_order) {
    for (int p : deps[node]) ++pending_successors[p];
  }
  std::vector<int> stream_of(num_nodes, -1);
  std::vector<int> last(max_streams, -1);
  std::vector<long> last_used(max_streams, -1);
  long time = 0;
  for (int node : launched_order) {
    int chosen = -1;
    for (int p : deps[node]) {
      const int s = stream_of[p];
      if (last[s] == p && (chosen == -1 || s < chosen)) chosen = s;
    }
    if (deps[node].empty() && last[0] == -1) chosen = 0;
    if (chosen == -1) {
      auto least_recent = [&](bool free_only) {
        int best = -1;
        for (int s = 0; s < max_streams; ++s) {
          const bool is_free = last[s] == -1 || pending_successors[last[s]] == 0;
          if (free_only && !is_free) continue;
          if (best == -1 || last_used[s] < last_used[best]) best = s;
        }
        return best;
      };
      chosen = least_recent(true);
      if (chosen == -1) chosen = least_recent(false);
    }
    for (int p : deps[node]) --pending_successors[p];
    stream_of[node] = chosen;
    last[chosen] = node;
    last_used[chosen] = time++;
  }
  return stream_of;
}

}  // namespace

Plan ScheduleStreams(const Graph& graph, int max_streams) {
  if (max_streams < 1) {
    throw Error("ScheduleStreams: max_streams " + std::to_string(max_streams) + " < 1");
  }
  const GraphViews views = AnalyzeViews(graph);
  const int n = static_cast<int>(graph.nodes.size());

  // Launch dependencies: the launched writers of every value a node reads.
  std::vector<int> launched_order;
  std::vector<std::vector<int>> deps(n);
  for (int i = 0; i < n; ++i) {
    if (!views.launched[i]) continue;
    launched_order.push_back(i);
    for (int in : views.inputs[i]) {
      deps[i].insert(deps[i].end(), views.writers[in].begin(), views.writers[in].end());
    }
    std::sort(deps[i].begin(), deps[i].end());
    deps[i].erase(std::unique(deps[i].begin(), deps[i].end()), deps[i].end());
  }
  const std::vector<int> stream_of = AssignStreams(launched_order, deps, n, max_streams);
  int num_streams = 1;
  for (int node : launched_order) num_streams = std::max(num_streams, stream_of[node] + 1);

  // Vector clocks: clock[s][t] = launches of stream t that stream s knows complete
  // (-1: not even the start of t). Stream 0 starts knowing its own start.
  std::vector<std::vector<int>> clock(num_streams, std::vector<int>(num_streams, -1));
  for (int s = 0; s < num_streams; ++s) clock[s][s] = 0;
  std::vector<int> start_clock = clock[0];
  std::vector<std::vector<int>> clock_after(n);  // per launched node
  std::vector<int> position(n, 0);
  std::vector<int> last_on_stream(num_streams, -1);
  auto clock_of = [&](int source) -> const std::vector<int>& {
    return source == kPlanStart ? start_clock : clock_after[source];
  };

  // Keeps the requirements stream s does not know yet and no other requirement implies.
  auto needed_waits = [&](int s, std::vector<Requirement> reqs) {
    std::vector<Requirement> unknown;
    for (const Requirement& r : reqs) {
      if (clock[s][r.stream] < r.position) unknown.push_back(r);
    }
    std::vector<Requirement> waits;
    for (const Requirement& r : unknown) {
      bool implied = false;
      for (const Requirement& other : unknown) {
        if (other.stream != r.stream && clock_of(other.source)[r.stream] >= r.position) {
          implied = true;
        }
      }
      if (!implied) waits.push_back(r);
    }
    std::sort(waits.begin(), waits.end(),
              [](const Requirement& a, const Requirement& b) { return a.stream < b.stream; });
    return waits;
  };
  auto apply_waits = [&](int s, const std::vector<Requirement>& waits) {
    for (const Requirement& w : waits) {
      const std::vector<int>& c = clock_of(w.source);
      for (int t = 0; t < num_streams; ++t) clock[s][t] = std::max(clock[s][t], c[t]);
    }
  };

  std::vector<std::vector<Requirement>> waits_before(n);
  for (int node : launched_order) {
    const int s = stream_of[node];
    std::vector<Requirement> reqs;
    if (s != 0) reqs.push_back({0, 0, kPlanStart});
    for (int p : deps[node]) {
      const int t = stream_of[p];
      if (t == s) continue;
      auto it = std::find_if(reqs.begin(), reqs.end(),
                             [&](const Requirement& r) { return r.stream == t; });
      if (it == reqs.end()) {
        reqs.push_back({t, position[p], p});
      } else if (it->position < position[p]) {
        *it = {t, position[p], p};
      }
    }
    waits_before[node] = needed_waits(s, reqs);
    apply_waits(s, waits_before[node]);
    position[node] = ++clock[s][s];
    clock_after[node] = clock[s];
    last_on_stream[s] = node;
  }
  std::vector<Requirement> end_reqs;
  for (int t = 1; t < num_streams; ++t) {
    if (last_on_stream[t] != -1) end_reqs.push_back({t, clock[t][t], last_on_stream[t]});
  }
  const std::vector<Requirement> final_waits = needed_waits(0, end_reqs);

  // Which sources need an event recorded after them.
  std::vector<bool> records_after(n, false);
  bool records_at_start = false;
  auto mark = [&](const std::vector<Requirement>& waits) {
    for (const Requirement& w : waits) {
      if (w.source == kPlanStart) {
        records_at_start = true;
      } else {
        records_after[w.source] = true;
      }
    }
  };
  for (int node : launched_order) mark(waits_before[node]);
  mark(final_waits);

  // Emit the steps in topological order, numbering events as they are recorded.
  Plan plan;
  plan.num_streams = num_streams;
  plan.streams.assign(num_streams, {});
  plan.node_stream.assign(n, -1);
  std::vector<int> event_after(n, -1);
  int start_event = -1;
  auto emit = [&](int s, Step step) {
    plan.order.push_back({s, static_cast<int>(plan.streams[s].size())});
    plan.streams[s].push_back(step);
  };
  auto emit_waits = [&](int s, const std::vector<Requirement>& waits) {
    for (const Requirement& w : waits) {
      const int event = w.source == kPlanStart ? start_event : event_after[w.source];
      emit(s, {StepKind::kWaitEvent, -1, event});
    }
  };
  if (records_at_start) {
    start_event = plan.num_events++;
    emit(0, {StepKind::kRecordEvent, -1, start_event});
  }
  for (int node : launched_order) {
    const int s = stream_of[node];
    plan.node_stream[node] = s;
    emit_waits(s, waits_before[node]);
    emit(s, {StepKind::kLaunch, node, -1});
    if (records_after[node]) {
      event_after[node] = plan.num_events++;
      emit(s, {StepKind::kRecordEvent, -1, event_after[node]});
    }
  }
  emit_waits(0, final_waits);
  return plan;
}

}  // namespace incept

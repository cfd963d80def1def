// StepOrder: happens-before by vector clocks (step_order.h).
#include "graph/planner/step_order.h"

#include <algorithm>
#include <string>

#include "graph/error.h"

namespace incept {
namespace {

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

StepOrder::StepOrder(const Graph& graph, const Plan& plan) {
  const int n = static_cast<int>(graph.nodes.size());
  const int num_streams = static_cast<int>(plan.streams.size());
  if (num_streams != plan.num_streams || num_streams < 1) {
    throw Error("plan: num_streams " + std::to_string(plan.num_streams) + " but " +
                std::to_string(num_streams) + " step lists");
  }
  stream_.assign(n, -1);
  position_.assign(n, 0);
  clock_.assign(n, {});
  linear_.assign(n, -1);

  std::vector<std::vector<int>> clock(num_streams, std::vector<int>(num_streams, -1));
  for (int s = 0; s < num_streams; ++s) clock[s][s] = 0;
  std::vector<int> launches(num_streams, 0);
  std::vector<std::vector<int>> event_clock(plan.num_events);
  std::vector<int> event_stream(plan.num_events, -1);
  std::vector<size_t> cursor(num_streams, 0);

  auto where = [&](int s, size_t i) {
    return "plan: stream " + std::to_string(s) + " step " + std::to_string(i);
  };
  auto check_event = [&](int s, size_t i, int e) {
    if (e < 0 || e >= plan.num_events) {
      throw Error(where(s, i) + ": event " + std::to_string(e) + " out of range");
    }
  };
  // Executes streams[s][cursor[s]] if it can run now; returns false if it is a wait on an
  // event not recorded yet.
  auto execute = [&](int s) {
    const size_t i = cursor[s];
    const Step& step = plan.streams[s][i];
    switch (step.kind) {
      case StepKind::kLaunch: {
        if (step.node < 0 || step.node >= n) {
          throw Error(where(s, i) + ": node " + std::to_string(step.node) + " out of range");
        }
        if (stream_[step.node] != -1) {
          throw Error(where(s, i) + ": node " + Quoted(graph.nodes[step.node].name) +
                      " launched twice");
        }
        clock[s][s] = ++launches[s];
        stream_[step.node] = s;
        position_[step.node] = launches[s];
        clock_[step.node] = clock[s];
        linear_[step.node] = num_launches_++;
        break;
      }
      case StepKind::kRecordEvent:
        check_event(s, i, step.event);
        if (event_stream[step.event] != -1) {
          throw Error(where(s, i) + ": event e" + std::to_string(step.event) + " recorded twice");
        }
        event_stream[step.event] = s;
        event_clock[step.event] = clock[s];
        break;
      case StepKind::kWaitEvent:
        check_event(s, i, step.event);
        if (event_stream[step.event] == -1) return false;
        if (event_stream[step.event] == s) {
          throw Error(where(s, i) + ": waits on its own event e" + std::to_string(step.event));
        }
        for (int t = 0; t < num_streams; ++t) {
          clock[s][t] = std::max(clock[s][t], event_clock[step.event][t]);
        }
        break;
    }
    ++cursor[s];
    return true;
  };

  if (!plan.order.empty()) {
    for (const StepRef& ref : plan.order) {
      if (ref.stream < 0 || ref.stream >= num_streams ||
          static_cast<size_t>(ref.index) != cursor[ref.stream] ||
          cursor[ref.stream] >= plan.streams[ref.stream].size()) {
        throw Error("plan: order visits stream " + std::to_string(ref.stream) + " step " +
                    std::to_string(ref.index) + " out of turn");
      }
      if (!execute(ref.stream)) {
        throw Error(where(ref.stream, ref.index) + ": order waits before the record");
      }
    }
  }
  // Round robin over what is left (everything, without an order).
  for (bool progress = true; progress;) {
    progress = false;
    for (int s = 0; s < num_streams; ++s) {
      while (cursor[s] < plan.streams[s].size() && execute(s)) progress = true;
    }
  }
  for (int s = 0; s < num_streams; ++s) {
    if (cursor[s] < plan.streams[s].size()) {
      throw Error(where(s, cursor[s]) + ": waits on event e" +
                  std::to_string(plan.streams[s][cursor[s]].event) +
                  ", which is never recorded before it (deadlock)");
    }
  }
  end_clock_ = clock[0];
}

bool StepOrder::HappensBefore(int a, int b) const {
  if (a == b || a == kPlanEnd || b == kPlanStart) return false;
  auto check = [&](int x) {
    if (x < 0 || x >= static_cast<int>(stream_.size()) || stream_[x] < 0) {
      throw Error("plan: happens-before asked of node " + std::to_string(x) +
                  ", which is not launched");
    }
  };
  if (a == kPlanStart) {
    if (b == kPlanEnd) return true;
    check(b);
    return clock_[b][0] >= 0;
  }
  check(a);
  if (b == kPlanEnd) return end_clock_[stream_[a]] >= position_[a];
  check(b);
  return clock_[b][stream_[a]] >= position_[a];
}

bool StepOrder::IsLaunched(int node) const {
  return node >= 0 && node < static_cast<int>(stream_.size()) && stream_[node] >= 0;
}

int StepOrder::LinearIndex(int node) const {
  if (node == kPlanStart) return -1;
  if (node == kPlanEnd) return num_launches_;
  if (node < 0 || node >= static_cast<int>(linear_.size()) || linear_[node] < 0) {
    throw Error("plan: node " + std::to_string(node) + " is not launched");
  }
  return linear_[node];
}

}  // namespace incept

// Plan helpers: the views of a graph, happens-before by vector clocks, and the printer.
#include "graph/plan.h"

#include <algorithm>
#include <sstream>
#include <unordered_map>

#include "graph/error.h"

namespace incept {
namespace {

std::vector<int> SortedUnique(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

GraphViews AnalyzeViews(const Graph& graph) {
  const int n = static_cast<int>(graph.nodes.size());
  std::unordered_map<std::string, int> index;
  for (int i = 0; i < n; ++i) {
    if (!index.emplace(graph.nodes[i].name, i).second) {
      throw Error("plan: duplicate node name " + Quoted(graph.nodes[i].name));
    }
  }
  std::vector<std::vector<int>> inputs(n);
  std::vector<std::vector<int>> consumers(n);
  for (int i = 0; i < n; ++i) {
    const Node& node = graph.nodes[i];
    if (node.shape.elements() <= 0) {
      throw Error("plan: node " + Quoted(node.name) + " has no shape (run InferShapes first)");
    }
    for (const std::string& in : node.inputs) {
      auto it = index.find(in);
      if (it == index.end() || it->second >= i) {
        throw Error("plan: node " + Quoted(node.name) + " reads " + Quoted(in) +
                    ", which is not produced before it");
      }
      inputs[i].push_back(it->second);
      consumers[it->second].push_back(i);
    }
  }

  GraphViews views;
  views.inputs = inputs;
  views.kind.assign(n, ValueKind::kBuffer);
  views.base.assign(n, -1);
  views.slice_channel_offset.assign(n, 0);
  views.launched.assign(n, false);
  views.writers.assign(n, {});
  views.readers.assign(n, {});
  views.is_output.assign(n, false);

  auto is_elided_concat = [&](int i) {
    return graph.nodes[i].op == OpKind::kConcat && graph.nodes[i].elided;
  };
  // Buffers and aliases of them hold whole images back to back; slices and channel views
  // stride over their root's images.
  auto is_contiguous = [&](int i) {
    return views.kind[i] == ValueKind::kBuffer || views.kind[i] == ValueKind::kAlias;
  };
  for (int i = 0; i < n; ++i) {
    const Node& node = graph.nodes[i];
    if (node.output_slice) {
      const std::string& concat = node.output_slice->concat;
      auto it = index.find(concat);
      const std::string where =
          "plan: node " + Quoted(node.name) + " writes a slice of " + Quoted(concat);
      if (it == index.end() || graph.nodes[it->second].op != OpKind::kConcat) {
        throw Error(where + ", which is not a Concat");
      }
      const int c = it->second;
      const Shape& cs = graph.nodes[c].shape;
      const int64_t off = node.output_slice->channel_offset;
      if (std::find(inputs[c].begin(), inputs[c].end(), i) == inputs[c].end()) {
        throw Error(where + ", which does not read it");
      }
      if (off < 0 || off + node.shape.c > cs.c || node.shape.n != cs.n || node.shape.h != cs.h ||
          node.shape.w != cs.w) {
        throw Error(where + ": channels [" + std::to_string(off) + ", " +
                    std::to_string(off + node.shape.c) + ") of " + node.shape.str() +
                    " do not fit in " + cs.str());
      }
      views.kind[i] = ValueKind::kSlice;
      views.base[i] = c;
      views.slice_channel_offset[i] = off;
    } else if ((node.op == OpKind::kDropout || node.op == OpKind::kFlatten) &&
               inputs[i].size() == 1 && is_contiguous(inputs[i][0]) &&
               graph.nodes[inputs[i][0]].shape.elements() == node.shape.elements()) {
      views.kind[i] = ValueKind::kAlias;
      views.base[i] = inputs[i][0];
    } else if (node.op == OpKind::kChannelSlice && inputs[i].size() == 1) {
      const Shape& in = graph.nodes[inputs[i][0]].shape;
      const auto& a = node.attr<ChannelSliceAttrs>();
      if (a.channel_offset < 0 || a.channel_offset + node.shape.c > in.c || node.shape.n != in.n ||
          node.shape.h != in.h || node.shape.w != in.w) {
        throw Error("plan: channel slice " + Quoted(node.name) + ": channels [" +
                    std::to_string(a.channel_offset) + ", " +
                    std::to_string(a.channel_offset + node.shape.c) + ") of " + node.shape.str() +
                    " do not fit in " + in.str());
      }
      views.kind[i] = ValueKind::kChannelView;
      views.base[i] = inputs[i][0];
      views.slice_channel_offset[i] = a.channel_offset;
    }
    if (is_elided_concat(i)) {
      for (int in : inputs[i]) {
        const Node& producer = graph.nodes[in];
        if (!producer.output_slice || producer.output_slice->concat != node.name) {
          throw Error("plan: elided Concat " + Quoted(node.name) + " reads " +
                      Quoted(producer.name) + ", which does not write a slice of it");
        }
      }
    }
    views.launched[i] = node.op != OpKind::kInput && !is_elided_concat(i) &&
                        views.kind[i] != ValueKind::kAlias &&
                        views.kind[i] != ValueKind::kChannelView;
  }

  // Writers in topological order; readers in reverse.
  for (int i = 0; i < n; ++i) {
    if (views.launched[i]) {
      views.writers[i] = {i};
    } else if (views.kind[i] == ValueKind::kAlias || views.kind[i] == ValueKind::kChannelView) {
      views.writers[i] = views.writers[views.base[i]];
    } else if (is_elided_concat(i)) {
      std::vector<int> all;
      for (int in : inputs[i]) {
        all.insert(all.end(), views.writers[in].begin(), views.writers[in].end());
      }
      views.writers[i] = SortedUnique(all);
    }
  }
  for (int i = n - 1; i >= 0; --i) {
    std::vector<int> all;
    for (int c : consumers[i]) {
      if (views.launched[c]) {
        all.push_back(c);
      } else {  // a view of i: an alias or channel view of i, or the elided Concat that i is
                // a slice of
        all.insert(all.end(), views.readers[c].begin(), views.readers[c].end());
      }
    }
    views.readers[i] = SortedUnique(all);
  }
  auto mark_outputs = [&](const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      auto it = index.find(name);
      if (it == index.end()) throw Error("plan: unknown graph output " + Quoted(name));
      views.is_output[it->second] = true;
    }
  };
  mark_outputs(graph.outputs);
  mark_outputs(graph.aux_outputs);
  return views;
}

// ---- StepOrder ------------------------------------------------------------------------

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

// ---- Printing -------------------------------------------------------------------------

const char* StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kLaunch:
      return "launch";
    case StepKind::kRecordEvent:
      return "record";
    case StepKind::kWaitEvent:
      return "wait";
  }
  return "?";
}

const char* ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBuffer:
      return "buffer";
    case ValueKind::kSlice:
      return "slice";
    case ValueKind::kAlias:
      return "alias";
    case ValueKind::kChannelView:
      return "channel view";
  }
  return "?";
}

std::string PlanToString(const Graph& graph, const Plan& plan) {
  const int n = static_cast<int>(graph.nodes.size());
  auto name = [&](int i) {
    return i >= 0 && i < n ? graph.nodes[i].name : "#" + std::to_string(i);
  };
  std::ostringstream out;
  out << "plan: " << plan.num_streams << (plan.num_streams == 1 ? " stream, " : " streams, ")
      << plan.num_events << (plan.num_events == 1 ? " event\n" : " events\n");
  for (size_t s = 0; s < plan.streams.size(); ++s) {
    out << "stream " << s << ":";
    const char* sep = " ";
    for (const Step& step : plan.streams[s]) {
      out << sep << StepKindName(step.kind) << " ";
      if (step.kind == StepKind::kLaunch) {
        out << name(step.node);
      } else {
        out << "e" << step.event;
      }
      sep = ", ";
    }
    out << "\n";
  }
  if (plan.values.empty()) return out.str();
  out << "memory: arena " << plan.arena_bytes << " B, lower bound " << plan.lower_bound_bytes
      << " B, naive " << plan.naive_bytes << " B (" << plan.bytes_per_element
      << " B per element, alignment " << plan.alignment << ")\n";
  for (size_t i = 0; i < plan.values.size(); ++i) {
    const ValuePlacement& v = plan.values[i];
    out << "  " << name(static_cast<int>(i)) << ": " << ValueKindName(v.kind);
    if (v.kind != ValueKind::kBuffer) out << " of " << name(v.root);
    out << ", offset " << v.offset << ", " << v.bytes << " B\n";
  }
  for (size_t i = 0; i < plan.workspaces.size(); ++i) {
    const WorkspacePlacement& w = plan.workspaces[i];
    if (w.bytes == 0) continue;
    out << "  workspace of " << name(static_cast<int>(i)) << ": offset " << w.offset << ", "
        << w.bytes << " B\n";
  }
  return out.str();
}

}  // namespace incept

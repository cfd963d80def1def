// ChromeTrace: lanes, slices, flows, counter, in that order.
#include "graph/profile/chrome_trace.h"

#include <map>
#include <set>
#include <string>

#include "graph/op_registry.h"

namespace incept::profile {
namespace {

int Lane(const NodeTiming& t) { return t.device_stream >= 0 ? t.device_stream : t.stream; }

}  // namespace

nlohmann::json ChromeTrace(const Graph& graph, const PlanDag& dag,
                           const std::vector<NodeTiming>& run, const Concurrency& concurrency) {
  using nlohmann::json;
  json events = json::array();
  events.push_back(
      {{"name", "process_name"}, {"ph", "M"}, {"pid", 0}, {"args", {{"name", graph.name}}}});

  std::map<int, std::set<int>> lanes;  // lane -> plan streams seen there
  bool device = false;
  std::map<int, const NodeTiming*> first, last;  // per node: earliest start, latest end
  for (const NodeTiming& t : run) {
    lanes[Lane(t)].insert(t.stream);
    device |= t.device_stream >= 0;
    const bool mapped = t.node >= 0 && static_cast<size_t>(t.node) < graph.nodes.size();
    json args = {{"plan_stream", t.stream}};
    if (!t.kernel.empty()) args["kernel"] = t.kernel;
    std::string name = t.kernel.empty() ? "?" : t.kernel, cat = "unmapped";
    if (mapped) {
      const Node& node = graph.nodes[static_cast<size_t>(t.node)];
      name = node.name;
      cat = OpName(node.op);
      args["shape"] = node.shape.str();
      const NodeTiming*& f = first[t.node];
      if (!f || t.start_us < f->start_us) f = &t;
      const NodeTiming*& l = last[t.node];
      if (!l || t.start_us + t.duration_us > l->start_us + l->duration_us) l = &t;
    }
    events.push_back({{"name", name},
                      {"cat", cat},
                      {"ph", "X"},
                      {"ts", t.start_us},
                      {"dur", t.duration_us},
                      {"pid", 0},
                      {"tid", Lane(t)},
                      {"args", args}});
  }
  for (const auto& [lane, streams] : lanes) {
    std::string name =
        device ? "CUDA stream " + std::to_string(lane) : "stream " + std::to_string(lane);
    if (device) {
      name += " (plan stream";
      name += streams.size() > 1 ? "s " : " ";
      bool comma = false;
      for (int s : streams) {
        name += (comma ? ", " : "") + std::to_string(s);
        comma = true;
      }
      name += ")";
    }
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", 0},
                      {"tid", lane},
                      {"args", {{"name", name}}}});
  }

  // Flows bind to the slice enclosing their timestamp: the middle of each end's record.
  int flow_id = 0;
  for (const PlanEdge& edge : dag.edges) {
    if (edge.kind != EdgeKind::kEvent) continue;
    auto from = last.find(edge.from);
    auto to = first.find(edge.to);
    if (from == last.end() || to == first.end()) continue;
    const NodeTiming& a = *from->second;
    const NodeTiming& b = *to->second;
    const std::string name = "e" + std::to_string(edge.event);
    events.push_back({{"name", name},
                      {"cat", "record->wait"},
                      {"ph", "s"},
                      {"id", flow_id},
                      {"ts", a.start_us + a.duration_us / 2},
                      {"pid", 0},
                      {"tid", Lane(a)}});
    events.push_back({{"name", name},
                      {"cat", "record->wait"},
                      {"ph", "f"},
                      {"bp", "e"},
                      {"id", flow_id},
                      {"ts", b.start_us + b.duration_us / 2},
                      {"pid", 0},
                      {"tid", Lane(b)}});
    ++flow_id;
  }
  for (const auto& [t, count] : concurrency.in_flight)
    events.push_back({{"name", "kernels in flight"},
                      {"ph", "C"},
                      {"ts", t},
                      {"pid", 0},
                      {"args", {{"kernels", count}}}});
  return json{{"traceEvents", events}, {"displayTimeUnit", "ns"}};
}

}  // namespace incept::profile

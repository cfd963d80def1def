#include "host/engine_file/plan_json.h"

#include <algorithm>
#include <set>

#include "graph/error.h"
#include "graph/op_registry.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/precision_policy.h"
#include "graph/planner/reduce_fusion.h"

namespace incept {
namespace {

using json = nlohmann::json;

struct StepName {
  StepKind kind;
  const char* name;
};
constexpr StepName kStepNames[] = {{StepKind::kLaunch, "launch"},
                                   {StepKind::kRecordEvent, "record"},
                                   {StepKind::kWaitEvent, "wait"}};

struct ValueKindEntry {
  ValueKind kind;
  const char* name;
};
constexpr ValueKindEntry kValueKinds[] = {{ValueKind::kBuffer, "buffer"},
                                          {ValueKind::kSlice, "slice"},
                                          {ValueKind::kAlias, "alias"},
                                          {ValueKind::kChannelView, "channel_view"}};

// Reads JSON values with the path of each in errors.
class Reader {
 public:
  explicit Reader(std::string where) : where_(std::move(where)) {}
  [[noreturn]] void Fail(const std::string& path, const std::string& what) const {
    throw Error(where_ + ": plan." + path + ": " + what);
  }
  const json& Field(const json& object, const char* key, const std::string& path) const {
    if (!object.is_object()) Fail(path, "expected an object");
    auto it = object.find(key);
    if (it == object.end()) Fail(path + "." + key, "missing");
    return *it;
  }
  int64_t Int(const json& v, const std::string& path, int64_t lo, int64_t hi) const {
    if (!v.is_number_integer()) Fail(path, "expected an integer");
    const int64_t x = v.get<int64_t>();
    if (x < lo || x > hi)
      Fail(path, std::to_string(x) + " is outside [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "]");
    return x;
  }
  double Number(const json& v, const std::string& path) const {
    if (!v.is_number()) Fail(path, "expected a number");
    return v.get<double>();
  }
  const std::string& String(const json& v, const std::string& path) const {
    if (!v.is_string()) Fail(path, "expected a string");
    return v.get_ref<const std::string&>();
  }
  const json& Array(const json& v, const std::string& path, size_t size = SIZE_MAX) const {
    if (!v.is_array()) Fail(path, "expected an array");
    if (size != SIZE_MAX && v.size() != size)
      Fail(path, "expected " + std::to_string(size) + " entries, got " + std::to_string(v.size()));
    return v;
  }

 private:
  std::string where_;
};

std::string At(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

json TacticToJson(const Tactic& t) {
  json candidates = json::array();
  for (const TacticCandidate& c : t.candidates)
    candidates.push_back({c.name, c.median_us, c.spread, c.samples});
  return {{"kind", TacticKindName(t.kind)},
          {"name", t.name},
          {"algorithm", t.algorithm},
          {"math", MathTypeName(t.math)},
          {"workspace_bytes", t.workspace_bytes},
          {"candidates", candidates}};
}

json CandidatesToJson(const std::vector<TacticCandidate>& candidates) {
  json out = json::array();
  for (const TacticCandidate& c : candidates)
    out.push_back({c.name, c.median_us, c.spread, c.samples});
  return out;
}

std::vector<TacticCandidate> CandidatesFromJson(const Reader& r, const json& j,
                                                const std::string& path) {
  std::vector<TacticCandidate> out;
  const json& candidates = r.Array(j, path);
  for (size_t i = 0; i < candidates.size(); ++i) {
    const std::string at = At(path, i);
    const json& c = r.Array(candidates[i], at, 4);
    TacticCandidate k;
    k.name = r.String(c[0], at + "[0]");
    k.median_us = r.Number(c[1], at + "[1]");
    k.spread = r.Number(c[2], at + "[2]");
    k.samples = static_cast<int>(r.Int(c[3], at + "[3]", 0, 1 << 30));
    out.push_back(k);
  }
  return out;
}

Tactic TacticFromJson(const Reader& r, const json& j, const std::string& path) {
  Tactic t;
  const std::string& kind = r.String(r.Field(j, "kind", path), path + ".kind");
  if (!TacticKindFromName(kind, &t.kind))
    r.Fail(path + ".kind", "unknown tactic kind \"" + kind + "\"");
  t.name = r.String(r.Field(j, "name", path), path + ".name");
  t.algorithm =
      static_cast<int>(r.Int(r.Field(j, "algorithm", path), path + ".algorithm", -1, 1 << 20));
  const std::string& math = r.String(r.Field(j, "math", path), path + ".math");
  if (!MathTypeFromName(math, &t.math))
    r.Fail(path + ".math", "unknown math type \"" + math + "\"");
  t.workspace_bytes =
      r.Int(r.Field(j, "workspace_bytes", path), path + ".workspace_bytes", 0, kMaxPlanArenaBytes);
  t.candidates = CandidatesFromJson(r, r.Field(j, "candidates", path), path + ".candidates");
  return t;
}

}  // namespace

json ReduceFusionsToJson(const std::vector<ReduceFusionDecision>& decisions) {
  json out = json::array();
  for (const ReduceFusionDecision& d : decisions)
    out.push_back({{"pair", d.pair},
                   {"reduce", d.reduce},
                   {"fused", d.fused},
                   {"reason", FusionReasonName(d.reason)},
                   {"why", d.why},
                   {"tile_h", d.tile_h},
                   {"cout_per_block", d.cout_per_block},
                   {"candidates", CandidatesToJson(d.candidates)}});
  return out;
}

std::vector<ReduceFusionDecision> ReduceFusionsFromJson(const json& plan,
                                                        const std::string& where) {
  const Reader r(where);
  std::vector<ReduceFusionDecision> out;
  if (!plan.is_object()) r.Fail("", "expected an object");
  auto it = plan.find("reduce_fusions");
  if (it == plan.end()) return out;  // a plan without decisions: nothing to fuse
  const json& list = r.Array(*it, "reduce_fusions");
  if (list.size() > 4096) r.Fail("reduce_fusions", std::to_string(list.size()) + " is absurd");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = At("reduce_fusions", i);
    const json& j = list[i];
    ReduceFusionDecision d;
    d.pair = r.String(r.Field(j, "pair", path), path + ".pair");
    d.reduce = r.String(r.Field(j, "reduce", path), path + ".reduce");
    const json& fused = r.Field(j, "fused", path);
    if (!fused.is_boolean()) r.Fail(path + ".fused", "expected true or false");
    d.fused = fused.get<bool>();
    const std::string& reason = r.String(r.Field(j, "reason", path), path + ".reason");
    if (!FusionReasonFromName(reason, &d.reason))
      r.Fail(path + ".reason", "unknown reason \"" + reason + "\"");
    d.why = r.String(r.Field(j, "why", path), path + ".why");
    d.tile_h = static_cast<int>(r.Int(r.Field(j, "tile_h", path), path + ".tile_h", 0, 64));
    d.cout_per_block = static_cast<int>(
        r.Int(r.Field(j, "cout_per_block", path), path + ".cout_per_block", 0, 1 << 16));
    d.candidates = CandidatesFromJson(r, r.Field(j, "candidates", path), path + ".candidates");
    out.push_back(std::move(d));
  }
  return out;
}

json PlanToJson(const Plan& plan) {
  json streams = json::array();
  for (const auto& stream : plan.streams) {
    json lane = json::array();
    for (const Step& s : stream)
      lane.push_back({kStepNames[static_cast<int>(s.kind)].name,
                      s.kind == StepKind::kLaunch ? s.node : s.event});
    streams.push_back(lane);
  }
  json order = json::array();
  for (const StepRef& ref : plan.order) order.push_back({ref.stream, ref.index});
  // A value: [kind, root, offset, bytes, element type, layout].
  json values = json::array();
  for (const ValuePlacement& v : plan.values)
    values.push_back({kValueKinds[static_cast<int>(v.kind)].name, v.root, v.offset, v.bytes,
                      ElementTypeName(v.format.type), LayoutName(v.format.layout)});
  json workspaces = json::array();
  for (const WorkspacePlacement& w : plan.workspaces) workspaces.push_back({w.offset, w.bytes});
  json tactics = json::array();
  for (const Tactic& t : plan.tactics) tactics.push_back(TacticToJson(t));
  return {{"num_streams", plan.num_streams},
          {"num_events", plan.num_events},
          {"streams", streams},
          {"node_stream", plan.node_stream},
          {"order", order},
          {"precision", PrecisionName(plan.precision)},
          {"bytes_per_element", plan.bytes_per_element},
          {"alignment", plan.alignment},
          {"values", values},
          {"workspaces", workspaces},
          {"arena_bytes", plan.arena_bytes},
          {"lower_bound_bytes", plan.lower_bound_bytes},
          {"naive_bytes", plan.naive_bytes},
          {"tactics", tactics},
          {"reduce_fusions", ReduceFusionsToJson(plan.reduce_fusions)}};
}

Plan PlanFromJson(const json& j, const Graph& graph, const std::string& where) {
  const Reader r(where);
  const int64_t n = static_cast<int64_t>(graph.nodes.size());
  Plan plan;
  plan.num_streams =
      static_cast<int>(r.Int(r.Field(j, "num_streams", ""), "num_streams", 1, kMaxPlanStreams));
  const json& streams = r.Array(r.Field(j, "streams", ""), "streams", plan.num_streams);
  // A plan launches each node at most once and records each event once: a hostile count
  // larger than that is refused before anything is allocated for it.
  plan.num_events =
      static_cast<int>(r.Int(r.Field(j, "num_events", ""), "num_events", 0, 4 * n + 64));
  const json& node_stream =
      r.Array(r.Field(j, "node_stream", ""), "node_stream", graph.nodes.size());
  plan.node_stream.resize(n);
  for (int64_t i = 0; i < n; ++i)
    plan.node_stream[i] =
        static_cast<int>(r.Int(node_stream[i], At("node_stream", i), -1, plan.num_streams - 1));

  size_t total_steps = 0;
  std::vector<int> launched_on(n, -1);
  plan.streams.resize(plan.num_streams);
  for (int s = 0; s < plan.num_streams; ++s) {
    const std::string lane_path = At("streams", s);
    const json& lane = r.Array(streams[s], lane_path);
    if (lane.size() > static_cast<size_t>(2 * n + 2 * plan.num_events + 8))
      r.Fail(lane_path, "more steps than the graph has launches and events");
    for (size_t k = 0; k < lane.size(); ++k) {
      const std::string path = At(lane_path, k);
      const json& step = r.Array(lane[k], path, 2);
      const std::string& kind = r.String(step[0], path + "[0]");
      Step out;
      bool known = false;
      for (const StepName& e : kStepNames)
        if (kind == e.name) out.kind = e.kind, known = true;
      if (!known) r.Fail(path + "[0]", "unknown step kind \"" + kind + "\"");
      if (out.kind == StepKind::kLaunch) {
        out.node = static_cast<int>(r.Int(step[1], path + "[1]", 0, n - 1));
        if (launched_on[out.node] >= 0)
          r.Fail(path, "node \"" + graph.nodes[out.node].name + "\" is launched twice");
        launched_on[out.node] = s;
      } else {
        out.event = static_cast<int>(r.Int(step[1], path + "[1]", 0, plan.num_events - 1));
      }
      plan.streams[s].push_back(out);
    }
    total_steps += lane.size();
  }
  for (int64_t i = 0; i < n; ++i)
    if (launched_on[i] != plan.node_stream[i])
      r.Fail(At("node_stream", i), "node \"" + graph.nodes[i].name + "\" says stream " +
                                       std::to_string(plan.node_stream[i]) +
                                       " but is launched on " + std::to_string(launched_on[i]));

  const json& order = r.Array(r.Field(j, "order", ""), "order", total_steps);
  std::set<std::pair<int, int>> seen;
  for (size_t i = 0; i < order.size(); ++i) {
    const std::string path = At("order", i);
    const json& ref = r.Array(order[i], path, 2);
    StepRef out;
    out.stream = static_cast<int>(r.Int(ref[0], path + "[0]", 0, plan.num_streams - 1));
    out.index = static_cast<int>(
        r.Int(ref[1], path + "[1]", 0, static_cast<int64_t>(plan.streams[out.stream].size()) - 1));
    if (!seen.insert({out.stream, out.index}).second) r.Fail(path, "a step listed twice");
    plan.order.push_back(out);
  }

  // The precision, then the formats it implies: the file's formats must be exactly the
  // policy's (graph/planner/precision_policy.h), so a backend never meets a type or layout
  // its kernels were not bound for. fp32 and tf32 plans have one element size (4 bytes),
  // fp16 and bf16 plans a format per value (bytes_per_element 0).
  const std::string& precision = r.String(r.Field(j, "precision", ""), "precision");
  try {
    plan.precision = ParsePrecision(precision);
  } catch (const Error& e) {
    r.Fail("precision", e.what());
  }
  const int64_t uniform = IsReduced(plan.precision) ? 0 : 4;
  plan.bytes_per_element =
      r.Int(r.Field(j, "bytes_per_element", ""), "bytes_per_element", uniform, uniform);
  std::vector<ValueFormat> formats;
  try {
    formats = AssignValueFormats(graph, plan.precision);
  } catch (const Error& e) {
    r.Fail("precision", e.what());
  }
  plan.alignment = r.Int(r.Field(j, "alignment", ""), "alignment", 1, 1 << 20);
  plan.arena_bytes = r.Int(r.Field(j, "arena_bytes", ""), "arena_bytes", 0, kMaxPlanArenaBytes);
  plan.lower_bound_bytes =
      r.Int(r.Field(j, "lower_bound_bytes", ""), "lower_bound_bytes", 0, kMaxPlanArenaBytes);
  plan.naive_bytes = r.Int(r.Field(j, "naive_bytes", ""), "naive_bytes", 0, kMaxPlanArenaBytes);
  const json& values = r.Array(r.Field(j, "values", ""), "values", graph.nodes.size());
  for (int64_t i = 0; i < n; ++i) {
    const std::string path = At("values", i);
    const json& v = r.Array(values[i], path, 6);
    ValuePlacement p;
    const std::string& kind = r.String(v[0], path + "[0]");
    bool known = false;
    for (const ValueKindEntry& e : kValueKinds)
      if (kind == e.name) p.kind = e.kind, known = true;
    if (!known) r.Fail(path + "[0]", "unknown value kind \"" + kind + "\"");
    p.root = static_cast<int>(r.Int(v[1], path + "[1]", 0, n - 1));
    p.offset = r.Int(v[2], path + "[2]", 0, kMaxPlanArenaBytes);
    p.bytes = r.Int(v[3], path + "[3]", 0, kMaxPlanArenaBytes);
    const std::string& type = r.String(v[4], path + "[4]");
    const std::string& layout = r.String(v[5], path + "[5]");
    p.format = IsReduced(plan.precision) ? formats[i] : ValueFormat{};
    if (type != ElementTypeName(p.format.type) || layout != LayoutName(p.format.layout))
      r.Fail(path, type + " " + layout + " but the " + precision + " policy gives " +
                       ValueFormatName(p.format));
    plan.values.push_back(p);
  }
  const json& workspaces = r.Array(r.Field(j, "workspaces", ""), "workspaces", graph.nodes.size());
  for (int64_t i = 0; i < n; ++i) {
    const std::string path = At("workspaces", i);
    const json& w = r.Array(workspaces[i], path, 2);
    WorkspacePlacement p;
    p.offset = r.Int(w[0], path + "[0]", -1, kMaxPlanArenaBytes);
    p.bytes = r.Int(w[1], path + "[1]", 0, kMaxPlanArenaBytes);
    plan.workspaces.push_back(p);
  }
  const json& tactics = r.Array(r.Field(j, "tactics", ""), "tactics");
  if (!tactics.empty() && tactics.size() != graph.nodes.size())
    r.Fail("tactics", "expected one per node (" + std::to_string(n) + "), got " +
                          std::to_string(tactics.size()));
  for (size_t i = 0; i < tactics.size(); ++i)
    plan.tactics.push_back(TacticFromJson(r, tactics[i], At("tactics", i)));
  // The decisions were applied to `graph` (ApplyReduceFusions) before this: a fused pair is
  // a FusedReduceConv node now, an unfused one still a Conv2d.
  plan.reduce_fusions = ReduceFusionsFromJson(j, where);
  for (size_t i = 0; i < plan.reduce_fusions.size(); ++i) {
    const ReduceFusionDecision& d = plan.reduce_fusions[i];
    const OpKind want = d.fused ? OpKind::kFusedReduceConv : OpKind::kConv2d;
    bool found = false;
    for (const Node& node : graph.nodes) found |= node.name == d.pair && node.op == want;
    if (!found)
      r.Fail(At("reduce_fusions", i),
             "\"" + d.pair + "\" is not a " + OpName(want) + " node of the graph");
  }

  // The arena is exactly as large as its furthest buffer (memory_plan.h): a larger one is
  // refused, so a file cannot make a backend allocate more than the plan uses.
  int64_t end = 0;
  for (const ValuePlacement& p : plan.values) end = std::max(end, p.offset + p.bytes);
  for (const WorkspacePlacement& w : plan.workspaces)
    if (w.bytes > 0) end = std::max(end, w.offset + w.bytes);
  if (plan.arena_bytes != end)
    r.Fail("arena_bytes",
           std::to_string(plan.arena_bytes) + " but the buffers end at " + std::to_string(end));
  try {
    CheckNoOverlap(graph, plan);
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
  return plan;
}

}  // namespace incept

// AnalyzeProfile and its printers: aggregation, critical path, blocks, roofline, diff.
#include "graph/profile/profile_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "graph/op_registry.h"

namespace incept::profile {
namespace {

std::string Format(const char* format, double a) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, a);
  return buffer;
}

std::string Ms(double us) { return Format("%.3f", us / 1000); }

// Medians over runs of each scalar of Concurrency; the in-flight steps of the last run.
Concurrency MedianConcurrency(const std::vector<Concurrency>& all) {
  Concurrency c;
  if (all.empty()) return c;
  auto median = [&](auto field) {
    std::vector<double> v;
    for (const Concurrency& x : all) v.push_back(static_cast<double>(x.*field));
    return Median(v);
  };
  c.wall_us = median(&Concurrency::wall_us);
  c.span_us = median(&Concurrency::span_us);
  c.busy_us = median(&Concurrency::busy_us);
  c.kernel_us = median(&Concurrency::kernel_us);
  c.mean_in_flight_busy = median(&Concurrency::mean_in_flight_busy);
  c.mean_in_flight_wall = median(&Concurrency::mean_in_flight_wall);
  c.max_in_flight = static_cast<int>(median(&Concurrency::max_in_flight));
  c.gaps = static_cast<int>(median(&Concurrency::gaps));
  c.gap_us = median(&Concurrency::gap_us);
  c.longest_gap_us = median(&Concurrency::longest_gap_us);
  c.in_flight = all.back().in_flight;
  return c;
}

std::string BranchName(const Graph& graph, const Branch& branch) {
  return graph.nodes[static_cast<size_t>(branch.output)].name;
}

}  // namespace

ProfileReport AnalyzeProfile(const ProfileInput& input) {
  const Graph& graph = *input.graph;
  ProfileReport report;
  report.runs = static_cast<int>(input.runs.size());
  report.ceilings = input.ceilings;
  report.dag = BuildPlanDag(graph, *input.plan);

  const std::vector<NodeTimes> times = AggregateNodeTimes(input.runs, graph.nodes.size());
  report.duration_us.assign(graph.nodes.size(), 0.0);
  for (const NodeTimes& t : times) report.duration_us[static_cast<size_t>(t.node)] = t.span_us;
  report.critical_path = FindCriticalPath(report.dag, report.duration_us);
  const std::set<int> critical(report.critical_path.nodes.begin(),
                               report.critical_path.nodes.end());

  const Plan& plan = *input.plan;
  for (const NodeTimes& t : times) {
    if (t.runs == 0) continue;
    NodeRow row;
    row.times = t;
    // Bytes at the node's output element size (fp16/bf16 plans: 2; its inputs are of the
    // same type except where the precision policy converts).
    const int64_t element_bytes =
        plan.values.size() == graph.nodes.size() ? ValueElementSize(plan, t.node) : 4;
    row.cost = ComputeNodeCost(graph, t.node, element_bytes);
    if (plan.tactics.size() == graph.nodes.size())
      row.tactic = plan.tactics[static_cast<size_t>(t.node)];
    row.roofline = ClassifyNode(row.cost, t.span_us * 1e-6, input.ceilings);
    row.critical = critical.count(t.node) > 0;
    report.rows.push_back(std::move(row));
  }
  std::stable_sort(report.rows.begin(), report.rows.end(), [](const NodeRow& a, const NodeRow& b) {
    return a.times.span_us > b.times.span_us;
  });

  std::vector<InceptionBlock> blocks = FindInceptionBlocks(graph);
  MeasureBlocks(graph, report.critical_path, report.duration_us, blocks);
  const std::vector<double> ready = ValueReady(graph, report.critical_path, report.dag);
  for (InceptionBlock& block : blocks) {
    BlockTime bt;
    double finish = 0;
    for (const Branch& b : block.branches) finish = std::max(finish, b.finish_us);
    const double fork_finish = block.fork >= 0 ? ready[static_cast<size_t>(block.fork)] : 0;
    bt.time_us = finish - fork_finish;
    bt.block = std::move(block);
    report.blocks.push_back(std::move(bt));
  }

  std::vector<Concurrency> per_run;
  for (size_t r = 0; r < input.runs.size(); ++r)
    per_run.push_back(
        MeasureConcurrency(input.runs[r], r < input.run_us.size() ? input.run_us[r] : 0.0));
  report.concurrency = MedianConcurrency(per_run);
  report.run_us = Median(input.run_us);
  if (!input.runs.empty()) report.unmapped = CountUnmapped(input.runs.back());
  return report;
}

namespace {

// A node's tactic: kind, name and the candidates it was chosen from (null if none recorded).
nlohmann::json TacticJson(const Tactic& tactic) {
  if (tactic.kind == TacticKind::kNone && tactic.name.empty()) return nullptr;
  nlohmann::json candidates = nlohmann::json::array();
  for (const TacticCandidate& c : tactic.candidates)
    candidates.push_back({{"name", c.name},
                          {"median_us", c.median_us},
                          {"spread", c.spread},
                          {"samples", c.samples}});
  return {{"kind", TacticKindName(tactic.kind)}, {"name", tactic.name}, {"candidates", candidates}};
}

}  // namespace

nlohmann::json ReportToJson(const Graph& graph, const ProfileReport& report) {
  using nlohmann::json;
  json nodes = json::array();
  for (const NodeRow& row : report.rows) {
    const Node& node = graph.nodes[static_cast<size_t>(row.times.node)];
    nodes.push_back({{"name", node.name},
                     {"op", OpName(node.op)},
                     {"output", node.shape.str()},
                     {"median_us", row.times.span_us},
                     {"kernel_us", row.times.kernel_us},
                     {"start_us", row.times.first_start_us},
                     {"kernels", row.times.kernels},
                     {"kernel_names", row.times.kernel_names},
                     {"flops", row.cost.flops},
                     {"bytes", row.cost.bytes},
                     {"flops_per_second", row.roofline.flops_per_second},
                     {"bytes_per_second", row.roofline.bytes_per_second},
                     {"intensity", row.roofline.intensity},
                     {"roofline_efficiency", row.roofline.efficiency},
                     {"bound", BoundByName(row.roofline.bound)},
                     {"critical", row.critical},
                     {"tactic", TacticJson(row.tactic)}});
  }
  json path = json::array();
  for (int x : report.critical_path.nodes)
    path.push_back({{"name", graph.nodes[static_cast<size_t>(x)].name},
                    {"median_us", report.duration_us[static_cast<size_t>(x)]}});
  json blocks = json::array();
  for (const BlockTime& bt : report.blocks) {
    const InceptionBlock& b = bt.block;
    json branches = json::array();
    for (const Branch& branch : b.branches)
      branches.push_back({{"output", BranchName(graph, branch)},
                          {"nodes", branch.nodes.size()},
                          {"work_us", branch.work_us},
                          {"finish_us", branch.finish_us},
                          {"slack_us", branch.slack_us}});
    blocks.push_back(
        {{"join", graph.nodes[static_cast<size_t>(b.join)].name},
         {"fork", b.fork >= 0 ? graph.nodes[static_cast<size_t>(b.fork)].name : ""},
         {"time_us", bt.time_us},
         {"bounding_branch",
          b.bounding >= 0 ? BranchName(graph, b.branches[static_cast<size_t>(b.bounding)]) : ""},
         {"branches", branches}});
  }
  const Concurrency& c = report.concurrency;
  double node_sum = 0;
  for (const NodeRow& row : report.rows) node_sum += row.times.span_us;
  return json{{"runs", report.runs},
              {"run_us", report.run_us},
              {"node_sum_us", node_sum},
              {"critical_path_us", report.critical_path.length_us},
              {"critical_path", path},
              {"concurrency",
               {{"span_us", c.span_us},
                {"busy_us", c.busy_us},
                {"kernel_us", c.kernel_us},
                {"mean_in_flight_busy", c.mean_in_flight_busy},
                {"mean_in_flight_wall", c.mean_in_flight_wall},
                {"max_in_flight", c.max_in_flight},
                {"gaps", c.gaps},
                {"gap_us", c.gap_us},
                {"longest_gap_us", c.longest_gap_us}}},
              {"ceilings",
               {{"flops_per_second", report.ceilings.flops_per_second},
                {"bytes_per_second", report.ceilings.bytes_per_second},
                {"how", report.ceilings.how},
                {"latency_efficiency_below", kLatencyEfficiency}}},
              {"unmapped_records", report.unmapped},
              {"nodes", nodes},
              {"blocks", blocks}};
}

std::string ReportToText(const Graph& graph, const ProfileReport& report, int top, bool kernels,
                         bool tactics) {
  std::string out;
  char line[768];
  std::snprintf(line, sizeof line, "%-34s %-15s %-16s %4s %9s %6s %9s %8s %-8s %s\n", "node", "op",
                "output", "krn", "median ms", "share", "GFLOP/s", "GB/s", "bound", "tactic");
  out += line;
  double node_sum = 0;
  for (const NodeRow& row : report.rows) node_sum += row.times.span_us;
  for (size_t i = 0; i < report.rows.size() && (top <= 0 || i < static_cast<size_t>(top)); ++i) {
    const NodeRow& row = report.rows[i];
    const Node& node = graph.nodes[static_cast<size_t>(row.times.node)];
    std::snprintf(line, sizeof line, "%-34s %-15s %-16s %4d %9.3f %5.1f%% %9.1f %8.1f %-8s %s%s\n",
                  node.name.c_str(), OpName(node.op), node.shape.str().c_str(), row.times.kernels,
                  row.times.span_us / 1000, node_sum > 0 ? 100 * row.times.span_us / node_sum : 0.0,
                  row.roofline.flops_per_second * 1e-9, row.roofline.bytes_per_second * 1e-9,
                  BoundByName(row.roofline.bound),
                  row.tactic.name.empty() ? "-" : row.tactic.name.c_str(),
                  row.critical ? " *" : "");
    out += line;
    if (kernels)
      for (const std::string& name : row.times.kernel_names) out += "    " + name + "\n";
    if (tactics)
      for (const TacticCandidate& c : row.tactic.candidates)
        out += "    candidate " + c.name + (c.name == row.tactic.name ? " (chosen)" : "") + " " +
               Format("%.1f", c.median_us) + " us, spread " + Format("%.1f", 100 * c.spread) +
               "%, " + std::to_string(c.samples) + " samples\n";
  }
  const Concurrency& c = report.concurrency;
  const double wall = report.run_us > 0 ? report.run_us : c.span_us;
  out += "\n(* on the critical path; medians over " + std::to_string(report.runs) + " runs)\n";
  out += "wall " + Ms(wall) + " ms" + (report.run_us > 0 ? "" : " (first start to last end)") +
         "; busy " + Ms(c.busy_us) + " ms (" +
         Format("%.0f", wall > 0 ? 100 * c.busy_us / wall : 0) + "% of wall); sum of node times " +
         Ms(node_sum) + " ms\n";
  out += "kernels in flight: mean " + Format("%.2f", c.mean_in_flight_busy) + " while busy, " +
         Format("%.2f", wall > 0 ? c.kernel_us / wall : 0) + " over the wall time, max " +
         std::to_string(c.max_in_flight) + "\n";
  out += "launch gaps: " + std::to_string(c.gaps) + " with nothing running, " + Ms(c.gap_us) +
         " ms in all, longest " + Ms(c.longest_gap_us) + " ms; start-up and tail " +
         Ms(std::max(0.0, wall - c.span_us)) + " ms\n";
  out += "critical path: " + Ms(report.critical_path.length_us) + " ms over " +
         std::to_string(report.critical_path.nodes.size()) + " nodes (" +
         Format("%.0f", wall > 0 ? 100 * report.critical_path.length_us / wall : 0) +
         "% of wall)\n";
  if (report.ceilings.flops_per_second > 0 && report.ceilings.bytes_per_second > 0) {
    out += "ceilings: " + Format("%.0f", report.ceilings.flops_per_second * 1e-9) + " GFLOP/s, " +
           Format("%.0f", report.ceilings.bytes_per_second * 1e-9) + " GB/s (" +
           report.ceilings.how + "), ridge " +
           Format("%.1f", report.ceilings.flops_per_second / report.ceilings.bytes_per_second) +
           " FLOP/byte\n";
    std::map<BoundBy, std::pair<int, double>> by_class;
    for (const NodeRow& row : report.rows) {
      auto& [count, us] = by_class[row.roofline.bound];
      ++count;
      us += row.times.span_us;
    }
    out += "bound by:";
    for (const auto& [bound, cu] : by_class)
      out += std::string(" ") + BoundByName(bound) + " " + std::to_string(cu.first) + " nodes (" +
             Ms(cu.second) + " ms)";
    out += Format(" [latency: below %.0f%% of the roofline]\n", 100 * kLatencyEfficiency);
  } else {
    out += "ceilings: not measured, no roofline classes\n";
  }
  if (report.unmapped > 0)
    out += "unmapped records: " + std::to_string(report.unmapped) + " (work no node claims)\n";
  if (!report.blocks.empty()) {
    out +=
        "\nInception blocks: time from the fork's end to the last branch's, the bounding "
        "branch, the others' slack (ms)\n";
    for (const BlockTime& bt : report.blocks) {
      const InceptionBlock& b = bt.block;
      if (b.bounding < 0) continue;
      out += "  " + graph.nodes[static_cast<size_t>(b.join)].name + " " + Ms(bt.time_us) +
             ": bound by " + BranchName(graph, b.branches[static_cast<size_t>(b.bounding)]) +
             " (work " + Ms(b.branches[static_cast<size_t>(b.bounding)].work_us) + ")";
      for (size_t i = 0; i < b.branches.size(); ++i)
        if (static_cast<int>(i) != b.bounding)
          out += "; " + BranchName(graph, b.branches[i]) + " +" + Ms(b.branches[i].slack_us);
      out += "\n";
    }
  }
  return out;
}

namespace {

struct Matched {
  std::vector<std::tuple<std::string, double, double>> nodes;   // name, ours, base
  std::vector<std::tuple<std::string, double, double>> blocks;  // join, ours, base
  double base_only_us = 0;
  int base_only = 0;
};

Matched Match(const Graph& og, const ProfileReport& ours, const Graph& bg,
              const ProfileReport& base) {
  Matched m;
  std::map<std::string, double> base_nodes;
  for (const NodeRow& row : base.rows)
    base_nodes[bg.nodes[static_cast<size_t>(row.times.node)].name] = row.times.span_us;
  std::set<std::string> matched;
  for (const NodeRow& row : ours.rows) {
    const std::string& name = og.nodes[static_cast<size_t>(row.times.node)].name;
    auto it = base_nodes.find(name);
    m.nodes.emplace_back(name, row.times.span_us, it == base_nodes.end() ? 0.0 : it->second);
    matched.insert(name);
  }
  for (const auto& [name, us] : base_nodes)
    if (!matched.count(name)) {
      m.base_only_us += us;
      ++m.base_only;
    }
  std::map<std::string, double> base_blocks;
  for (const BlockTime& bt : base.blocks)
    base_blocks[bg.nodes[static_cast<size_t>(bt.block.join)].name] = bt.time_us;
  for (const BlockTime& bt : ours.blocks) {
    const std::string& name = og.nodes[static_cast<size_t>(bt.block.join)].name;
    auto it = base_blocks.find(name);
    if (it != base_blocks.end()) m.blocks.emplace_back(name, bt.time_us, it->second);
  }
  return m;
}

}  // namespace

nlohmann::json DiffToJson(const Graph& ours_graph, const ProfileReport& ours,
                          const Graph& base_graph, const ProfileReport& base) {
  using nlohmann::json;
  const Matched m = Match(ours_graph, ours, base_graph, base);
  json nodes = json::array(), blocks = json::array();
  for (const auto& [name, o, b] : m.nodes)
    nodes.push_back({{"name", name}, {"ours_us", o}, {"baseline_us", b}, {"diff_us", o - b}});
  for (const auto& [name, o, b] : m.blocks)
    blocks.push_back({{"join", name}, {"ours_us", o}, {"baseline_us", b}, {"diff_us", o - b}});
  return json{{"nodes", nodes},
              {"blocks", blocks},
              {"baseline_only_nodes", m.base_only},
              {"baseline_only_us", m.base_only_us},
              {"ours_critical_path_us", ours.critical_path.length_us},
              {"baseline_critical_path_us", base.critical_path.length_us},
              {"ours_run_us", ours.run_us},
              {"baseline_run_us", base.run_us}};
}

std::string DiffToText(const Graph& ours_graph, const ProfileReport& ours, const Graph& base_graph,
                       const ProfileReport& base, int top) {
  const Matched m = Match(ours_graph, ours, base_graph, base);
  std::string out =
      "\nagainst the baseline (unfused, one stream), ms: ours, baseline, difference\n";
  char line[256];
  out += "per block:\n";
  for (const auto& [name, o, b] : m.blocks) {
    std::snprintf(line, sizeof line, "  %-32s %9.3f %9.3f %+9.3f\n", name.c_str(), o / 1000,
                  b / 1000, (o - b) / 1000);
    out += line;
  }
  out += "per node (slowest of ours first):\n";
  int shown = 0;
  for (const auto& [name, o, b] : m.nodes) {
    if (top > 0 && shown++ >= top) break;
    std::snprintf(line, sizeof line, "  %-32s %9.3f %9.3f %+9.3f\n", name.c_str(), o / 1000,
                  b / 1000, (o - b) / 1000);
    out += line;
  }
  out += "  baseline nodes folded or fused away: " + std::to_string(m.base_only) + ", " +
         Ms(m.base_only_us) + " ms\n";
  out += "critical path: ours " + Ms(ours.critical_path.length_us) + " ms, baseline " +
         Ms(base.critical_path.length_us) + " ms; wall: ours " + Ms(ours.run_us) +
         " ms, baseline " + Ms(base.run_us) + " ms\n";
  return out;
}

}  // namespace incept::profile

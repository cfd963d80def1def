// incept plan MODEL --batch N [--streams S] [--json] [--dot F.dot] [--svg F.svg]
//                   [--no-optimize] [--merge-1x1] [--no-fuse-reduce] [--tactics] [--precision
//                   fp32|tf32|fp16|bf16]
// MODEL may be an engine file (.incept): its stored plan for the batch is shown.
// The fusions made, the streams and their steps, and the memory plan.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "graph/json_io.h"
#include "graph/op_registry.h"
#include "graph/planner/plan_dot.h"
#include "graph/planner/plan_svg.h"
#include "graph/planner/precision_policy.h"
#include "graph/planner/reduce_fusion.h"
#include "graph/shape_inference.h"
#include "host/cli/cli_app.h"
#include "host/cli/model_loading.h"
#include "host/cli/precision_option.h"
#include "host/engine.h"
#include "host/engine_file/engine_file.h"
#include "host/engine_file/plan_json.h"
#include "host/host_backend.h"
#include "host/random_weights.h"

namespace incept::cli {
namespace {

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out || !(out << text)) throw Error(path + ": cannot write");
}

double MiB(int64_t bytes) { return bytes / (1024.0 * 1024.0); }

}  // namespace

int RunPlan(const Args& args) {
  CLI::App app("Show how a model runs: fusions, streams and steps, and the memory arena.", "plan");
  std::string model, dot, svg;
  int batch = 1, streams = 4;
  bool json_out = false, no_optimize = false, steps = false, merge_1x1 = false;
  bool show_tactics = false;
  app.add_option("MODEL", model, "model JSON, ONNX (.onnx) or engine file (.incept)")->required();
  app.add_option("--batch", batch, "batch size")->check(CLI::Range(1, 1 << 20));
  app.add_option("--streams", streams, "most concurrent streams (1 = sequential)")
      ->check(CLI::Range(1, 64));
  app.add_flag("--json", json_out, "print JSON (fusions, streams, memory)");
  app.add_option("--dot", dot, "write the scheduled graph as Graphviz DOT");
  app.add_option("--svg", svg, "write the memory plan as SVG (arena offset against step)");
  app.add_flag("--tactics", show_tactics, "print every launched node's tactic and candidates");
  app.add_flag("--steps", steps, "print every stream's steps and every value's placement");
  app.add_flag("--no-optimize", no_optimize, "plan the graph as loaded");
  app.add_flag("--merge-1x1", merge_1x1, "merge the 1x1 convs that share an input into one");
  bool no_fuse_reduce = false;
  app.add_flag("--no-fuse-reduce", no_fuse_reduce, "keep every 1x1 reduce and KxK conv apart");
  std::string precision_name = "fp32";
  AddPrecisionOption(app, precision_name);
  if (int code = Parse(app, args); code >= 0) return code;

  Graph graph;
  Shape input;
  PassReport report;
  Plan plan;
  const bool engine_file = IsEngineFilePath(model);
  if (engine_file) {
    // The file's plan for this batch, tactics and reduce fusions (applied to its graph).
    EngineFileContents contents = ReadEngineFile(model);
    std::string planned;
    for (Engine::Prepared& p : contents.prepared) {
      const Shape s = p.graph.nodes.at(p.graph.InputIndices().at(0)).shape;
      planned += (planned.empty() ? "" : ", ") + std::to_string(s.n);
      if (s.n != batch || !graph.nodes.empty()) continue;
      input = s;
      graph = std::move(p.graph);
      plan = std::move(p.plan);
    }
    if (graph.nodes.empty())
      throw Error(model + ": no plan for batch " + std::to_string(batch) + " (planned: " + planned +
                  ")");
    for (const ReduceFusionDecision& d : plan.reduce_fusions) report.reduce_conv += d.fused;
  } else {
    graph = LoadModelGraph(model);
    input = graph.nodes.at(graph.InputIndices().at(0)).shape;
    input.n = batch;
    InferShapes(graph, input);
    // Folding needs weights to rewrite; their values do not change the plan.
    WeightMap weights = RandomWeights(graph);
    std::unique_ptr<Backend> host = MakeHostBackend();
    std::vector<ReduceFusionDecision> fusions;
    if (!no_optimize) {
      OptimizeOptions passes;
      passes.merge_horizontal = merge_1x1;
      passes.fuse_reduce = false;  // decided per plan, as the engine does
      report = OptimizeGraph(graph, weights, passes);
      ReduceFusionRequest request;
      request.precision = ParsePrecision(precision_name);
      request.streams = streams;
      request.mode = no_fuse_reduce ? ReduceFusionMode::kNever : ReduceFusionMode::kBackendChooses;
      fusions = host->ChooseReduceFusions(graph, weights, request);
      report.reduce_conv = ApplyReduceFusions(graph, fusions);
      if (report.reduce_conv > 0) InferShapes(graph, input);
    } else {
      graph.aux_outputs.clear();
    }
    plan = MakePlan(graph, streams, ParsePrecision(precision_name));
    plan.reduce_fusions = std::move(fusions);
    host->AssignTactics(graph, weights, plan);  // tactics of the host backend
    RecordReduceFusionTactics(graph, plan);
  }
  if (!dot.empty()) WriteText(dot, PlanToDot(graph, plan));
  if (!svg.empty()) WriteText(svg, MemoryPlanToSvg(graph, plan));

  int launches = 0;
  for (const auto& stream : plan.streams)
    for (const Step& s : stream) launches += s.kind == StepKind::kLaunch;

  if (json_out) {
    nlohmann::json j;
    j["model"] = graph.name;
    j["batch"] = batch;
    j["fusions"] = {{"batchnorm_folded", report.batchnorm_folded},
                    {"conv_relu", report.conv_relu},
                    {"reduce_conv", report.reduce_conv},
                    {"concat_elided", report.concat_elided},
                    {"dead_removed", report.dead_removed},
                    {"horizontal_merged", report.horizontal_merged}};
    j["streams"] = plan.num_streams;
    j["events"] = plan.num_events;
    j["launches"] = launches;
    j["memory"] = {{"arena_bytes", plan.arena_bytes},
                   {"lower_bound_bytes", plan.lower_bound_bytes},
                   {"naive_bytes", plan.naive_bytes}};
    j["precision"] = PrecisionName(plan.precision);
    nlohmann::json values = nlohmann::json::array();
    for (size_t i = 0; i < plan.values.size(); ++i) {
      const ValuePlacement& v = plan.values[i];
      const ValueFormat format = v.format;
      values.push_back({{"name", graph.nodes[i].name},
                        {"kind", ValueKindName(v.kind)},
                        {"root", graph.nodes[v.root].name},
                        {"offset", v.offset},
                        {"bytes", v.bytes},
                        {"type", ElementTypeName(format.type)},
                        {"layout", LayoutName(format.layout)}});
    }
    j["values"] = values;
    nlohmann::json lanes = nlohmann::json::array();
    for (const auto& stream : plan.streams) {
      nlohmann::json lane = nlohmann::json::array();
      for (const Step& s : stream) {
        nlohmann::json step = {{"kind", StepKindName(s.kind)}};
        if (s.kind == StepKind::kLaunch)
          step["node"] = graph.nodes[s.node].name;
        else
          step["event"] = s.event;
        lane.push_back(step);
      }
      lanes.push_back(lane);
    }
    j["steps"] = lanes;
    nlohmann::json tactics = nlohmann::json::object();
    for (size_t i = 0; i < plan.tactics.size(); ++i) {
      const Tactic& t = plan.tactics[i];
      if (t.kind == TacticKind::kNone) continue;
      nlohmann::json candidates = nlohmann::json::array();
      for (const TacticCandidate& c : t.candidates)
        candidates.push_back({{"name", c.name},
                              {"median_us", c.median_us},
                              {"spread", c.spread},
                              {"samples", c.samples}});
      tactics[graph.nodes[i].name] = {{"kind", TacticKindName(t.kind)},
                                      {"name", t.name},
                                      {"algorithm", t.algorithm},
                                      {"math", MathTypeName(t.math)},
                                      {"workspace_bytes", t.workspace_bytes},
                                      {"candidates", candidates}};
    }
    j["tactics"] = tactics;
    j["reduce_fusions"] = ReduceFusionsToJson(plan.reduce_fusions);
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }

  std::printf("%s, input %s, precision %s%s\n\n", graph.name.c_str(), input.str().c_str(),
              PrecisionName(plan.precision),
              engine_file ? " (engine file: fusions already applied)" : "");
  std::printf(
      "fusions   %d BatchNorms folded, %d conv+ReLU, %d reduce convs fused, %d concats "
      "elided, %d dead nodes removed\n",
      report.batchnorm_folded, report.conv_relu, report.reduce_conv, report.concat_elided,
      report.dead_removed);
  if (merge_1x1) std::printf("          %d groups of 1x1 convs merged\n", report.horizontal_merged);
  if (!plan.reduce_fusions.empty()) {
    int fused = 0;
    for (const ReduceFusionDecision& d : plan.reduce_fusions) fused += d.fused;
    std::printf("reduce    %d of %zu 1x1 reduce -> KxK pairs fused for this plan:\n", fused,
                plan.reduce_fusions.size());
    std::string lines = ReduceFusionsToString(plan);
    for (size_t at = 0; at < lines.size();) {
      const size_t end = lines.find('\n', at);
      std::printf("          %s\n", lines.substr(at, end - at).c_str());
      at = end == std::string::npos ? lines.size() : end + 1;
    }
  }
  std::printf("schedule  %d launches on %d streams, %d events\n", launches, plan.num_streams,
              plan.num_events);
  std::printf(
      "memory    arena %.2f MiB, lower bound %.2f MiB (arena / bound %.3f), naive "
      "%.2f MiB (arena / naive %.3f)\n",
      MiB(plan.arena_bytes), MiB(plan.lower_bound_bytes),
      double(plan.arena_bytes) / plan.lower_bound_bytes, MiB(plan.naive_bytes),
      double(plan.arena_bytes) / plan.naive_bytes);
  if (steps) std::printf("\n%s", PlanToString(graph, plan).c_str());
  if (show_tactics) std::printf("\ntactics\n%s", TacticsToString(graph, plan).c_str());
  if (!dot.empty()) std::printf("wrote %s\n", dot.c_str());
  if (!svg.empty()) std::printf("wrote %s\n", svg.c_str());
  return 0;
}

}  // namespace incept::cli

// incept profile MODEL [--backend host|cuda|auto] [--batch N] [--streams S] [--iterations K]
//                      [--isolated] [--baseline] [--trace F.json] [--json] [--json-file F]
//                      [--top K] [--kernels] [--tactics] [--rebuild-if-stale]
//                      [--no-nvtx] [--no-ceilings] [--precision P]
// Per-node times of a run and what bounds it (graph/profile/): the table (slowest first,
// kernels per node, achieved FLOP/s and bytes/s, roofline class), then GPU busy time against
// wall time, kernels in flight, launch gaps, the critical path and every Inception block's
// bounding branch and slack; a Chrome trace (chrome://tracing or ui.perfetto.dev) with one
// lane per stream the work ran on, record -> wait flows and a kernels-in-flight counter.
//
// Modes: concurrent (default; CUDA: the real CUDA graph replay on all streams, every kernel
// traced by CUPTI and mapped to its node) or --isolated (each node alone, timed by itself:
// CUDA events around eager launches). The host backend runs nodes one at a time in both.
// Times are medians over the profiled runs.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "graph/planner/reduce_fusion.h"
#include "graph/profile/chrome_trace.h"
#include "graph/profile/profile_report.h"
#include "host/cli/cli_app.h"
#include "host/cli/model_loading.h"
#include "host/cli/precision_option.h"
#include "host/cli/progress.h"
#include "host/engine.h"
#include "host/engine_file/plan_json.h"

namespace incept::cli {
namespace {

struct ProfiledPlan {
  const Engine::Prepared* prepared = nullptr;
  profile::ProfileReport report;
  std::vector<NodeTiming> last_run;
  double untraced_run_us = 0;  // median plan time of plain runs (no timings asked)
};

// Warm-up and plain timed runs (no timings asked: what bench measures). All plans get theirs
// before any profiled run, since a process stays traced once CUPTI tracing has begun.
ProfiledPlan TimePlain(Engine& engine, const Tensor& input, int iterations, bool nvtx) {
  ProfiledPlan out;
  out.prepared = &engine.Prepare(Shape{input.dims[0], input.dims[1], input.dims[2], input.dims[3]});
  RunOptions plain;
  plain.nvtx_ranges = nvtx;
  engine.Run(input, plain);  // warm-up
  std::vector<double> untraced(static_cast<size_t>(iterations));
  for (double& us : untraced) {
    plain.run_us = &us;
    engine.Run(input, plain);
  }
  out.untraced_run_us = profile::Median(untraced);
  return out;
}

// The profiled runs, analysed.
void Profile(Engine& engine, const Tensor& input, int iterations, TimingMode mode, bool nvtx,
             const DeviceCeilings& ceilings, const std::string& label, ProfiledPlan& out) {
  profile::ProfileInput in;
  in.graph = &out.prepared->graph;
  in.plan = &out.prepared->plan;
  in.ceilings = ceilings;
  Progress progress;
  for (int i = 0; i < iterations; ++i) {
    std::vector<NodeTiming> timings;
    double run_us = 0;
    RunOptions options;
    options.timings = &timings;
    options.timing_mode = mode;
    options.run_us = &run_us;
    options.nvtx_ranges = nvtx;
    engine.Run(input, options);
    in.runs.push_back(std::move(timings));
    in.run_us.push_back(run_us);
    progress.Update("%sprofiled run %d/%d", label.c_str(), i + 1, iterations);
  }
  progress.Finish();
  if (in.runs.back().empty())
    throw Error("the " + engine.backend_name() + " backend returned no timings");
  out.last_run = in.runs.back();
  out.report = profile::AnalyzeProfile(in);
}

}  // namespace

int RunProfile(const Args& args) {
  CLI::App app(
      "Per-node times of one batch, the critical path through the plan, roofline classes, and a "
      "Chrome trace of the streams.",
      "profile");
  std::string model, weights, trace, json_file, backend = "host", precision = "fp32";
  int batch = 1, streams = 4, iterations = 5, top = 20;
  bool json_out = false, rebuild_if_stale = false, isolated = false, baseline = false,
       no_nvtx = false, no_ceilings = false, kernels = false, tactics = false;
  app.add_option("MODEL", model, "model JSON, ONNX (.onnx) or engine file (.incept)")->required();
  app.add_option("--weights", weights, "safetensors weights (default: seeded random weights)");
  app.add_option("--backend", backend, "host, cuda or auto")
      ->check(CLI::IsMember({"host", "cuda", "auto"}));
  app.add_option("--batch", batch, "batch size")->check(CLI::Range(1, 1 << 16));
  app.add_option("--streams", streams, "most concurrent streams")->check(CLI::Range(1, 64));
  app.add_option("--iterations", iterations, "profiled runs (medians)")
      ->check(CLI::Range(1, 10000));
  app.add_flag("--isolated", isolated,
               "time each node alone (CUDA: eager, between CUDA events) instead of the "
               "concurrent run");
  app.add_flag("--baseline", baseline,
               "also profile the unfused single-stream plan and print the differences");
  app.add_option("--top", top, "rows in the table (slowest nodes)")->check(CLI::Range(1, 100000));
  app.add_flag("--kernels", kernels, "list each row's kernels (CUDA) under it");
  app.add_flag("--tactics", tactics,
               "list the candidates each row's tactic was chosen from (name, median, spread)");
  app.add_option("--trace", trace, "write a Chrome/Perfetto trace (JSON) of the last run");
  app.add_flag("--json", json_out, "print JSON: the table's data, summary, path and blocks");
  app.add_option("--json-file", json_file, "also write that JSON to a file (and print the table)");
  app.add_flag("--no-nvtx", no_nvtx, "CUDA: no NVTX ranges around node launches and replays");
  app.add_flag("--no-ceilings", no_ceilings,
               "skip measuring the device's peak FLOP/s and bytes/s (no roofline classes)");
  AddPrecisionOption(app, precision);
  app.add_flag("--rebuild-if-stale", rebuild_if_stale,
               "an engine file built for another device or version: rebuild and rewrite it");
  if (int code = Parse(app, args); code >= 0) return code;

  LoadedModel m = LoadModel(model, weights);
  Tensor input = LoadInput(m.graph, "", {}, batch);
  EngineOptions options;
  options.backend = backend;
  options.streams = streams;
  options.precision = ParsePrecision(precision);
  const TimingMode mode = isolated ? TimingMode::kIsolated : TimingMode::kConcurrent;
  const char* mode_name = isolated ? "isolated" : "concurrent";

  std::unique_ptr<Engine> owned = MakeEngine(m, options, rebuild_if_stale);
  Engine& engine = *owned;
  PrintEngineNotes(engine);
  DeviceCeilings ceilings;
  if (!no_ceilings) ceilings = CreateBackend(engine.backend_name())->MeasureCeilings();
  ProfiledPlan ours = TimePlain(engine, input, iterations, !no_nvtx);
  std::unique_ptr<Engine> base_engine;
  ProfiledPlan base;
  if (baseline) {
    EngineOptions unfused_single_stream;
    unfused_single_stream.backend = engine.backend_name();
    unfused_single_stream.optimize = false;
    unfused_single_stream.streams = 1;
    unfused_single_stream.precision = options.precision;
    base_engine = std::make_unique<Engine>(m.graph, m.weights, unfused_single_stream);
    base = TimePlain(*base_engine, input, iterations, !no_nvtx);
  }
  Profile(engine, input, iterations, mode, !no_nvtx, ceilings, "", ours);
  if (baseline)
    Profile(*base_engine, input, iterations, mode, !no_nvtx, ceilings, "baseline ", base);
  const Graph& graph = ours.prepared->graph;

  if (!trace.empty()) {
    const profile::Concurrency last =
        profile::MeasureConcurrency(ours.last_run, ours.report.run_us);
    std::ofstream out(trace);
    if (!out || !(out << profile::ChromeTrace(graph, ours.report.dag, ours.last_run, last).dump()))
      throw Error(trace + ": cannot write");
  }

  if (json_out || !json_file.empty()) {
    // The report's fields at the top level; total_us: the sum of the node times.
    nlohmann::json j = profile::ReportToJson(graph, ours.report);
    j.update({{"model", model},
              {"backend", engine.backend_name()},
              {"mode", mode_name},
              {"precision", precision},
              {"batch", batch},
              {"streams", ours.prepared->plan.num_streams},
              {"iterations", iterations},
              {"total_us", j["node_sum_us"]},
              {"untraced_run_us", ours.untraced_run_us}});
    j["reduce_fusions"] = ReduceFusionsToJson(ours.prepared->plan.reduce_fusions);
    if (baseline) {
      j["baseline"] = profile::ReportToJson(base.prepared->graph, base.report);
      j["baseline"]["untraced_run_us"] = base.untraced_run_us;
      j["diff"] = profile::DiffToJson(graph, ours.report, base.prepared->graph, base.report);
    }
    if (!json_file.empty()) {
      std::ofstream out(json_file);
      if (!out || !(out << j.dump(2) << "\n")) throw Error(json_file + ": cannot write");
    }
    if (json_out) {
      std::printf("%s\n", j.dump(2).c_str());
      return 0;
    }
  }
  std::printf("%s backend, %s, batch %d, %d stream%s, %d runs\n", engine.backend_name().c_str(),
              mode_name, batch, ours.prepared->plan.num_streams,
              ours.prepared->plan.num_streams == 1 ? "" : "s", iterations);
  std::printf("%s", profile::ReportToText(graph, ours.report, top, kernels, tactics).c_str());
  std::printf("plan time without profiling: %.3f ms (median of %d runs)\n",
              ours.untraced_run_us / 1000, iterations);
  // Which reduce -> KxK pairs this plan fused, why, and the pair tactic's timed candidates.
  if (!ours.prepared->plan.reduce_fusions.empty())
    std::printf("reduce fusion (per pair: fused or not, why, timed candidates)\n%s",
                ReduceFusionsToString(ours.prepared->plan).c_str());
  if (baseline)
    std::printf(
        "%s",
        profile::DiffToText(graph, ours.report, base.prepared->graph, base.report, top).c_str());
  if (!trace.empty()) std::printf("trace in %s\n", trace.c_str());
  return 0;
}

}  // namespace incept::cli

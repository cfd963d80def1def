// incept bench MODEL [--backend host|cuda|auto] [--batch 1,8] [--iterations N] [--warmup N]
//                    [--streams S] [--no-optimize] [--baseline] [--json]
//                    [--throughput [--contexts K] [--seconds S]]  (bench_throughput.h)
//                    [--io pageable,pinned,device]  (bench_io.h)
// Throughput and latency percentiles per batch size. With --baseline, the unfused,
// single-stream plan is measured in the same run and the speed-up reported as a ratio.
// One definition throughout, as in perf/results: images/s = batch / p50 latency, and the
// speed-up = baseline p50 / ours p50.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "host/cli/bench_io.h"
#include "host/cli/bench_throughput.h"
#include "host/cli/cli_app.h"
#include "host/cli/model_loading.h"
#include "host/cli/precision_option.h"
#include "host/cli/progress.h"
#include "host/engine.h"

namespace incept::cli {
namespace {

struct Measurement {
  int batch;
  std::string backend, variant;
  double images_per_second, p50, p90, p99;
  double replay_p50 = 0;  // ms of the plan alone (RunOptions::run_us), without the copies
  std::string io;         // what a timed run includes: pageable, pinned, device (bench_io.h)
};

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(q * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

Measurement Measure(Engine& engine, const Graph& graph, int batch, int warmup, int iterations,
                    const std::string& variant, IoMemory io) {
  Tensor input = LoadInput(graph, "", {}, batch);
  BenchRunner runner(engine, io, input);
  for (int i = 0; i < warmup; ++i) runner.Run();  // the first run also plans
  std::vector<double> ms, replay_ms;
  Progress progress;
  for (int i = 0; i < iterations; ++i) {
    double run_us = 0;
    RunOptions run;
    run.run_us = &run_us;
    auto start = std::chrono::steady_clock::now();
    runner.Run(run);
    replay_ms.push_back(run_us / 1000);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    progress.Update("%s batch %d %s: %d/%d", variant.c_str(), batch, IoMemoryName(io), i + 1,
                    iterations);
  }
  progress.Finish();
  return {batch,
          engine.backend_name(),
          variant,
          batch / (Percentile(ms, 0.5) / 1000.0),  // images/s at the median latency
          Percentile(ms, 0.5),
          Percentile(ms, 0.9),
          Percentile(ms, 0.99),
          Percentile(replay_ms, 0.5),
          IoMemoryName(io)};
}

}  // namespace

int RunBench(const Args& args) {
  CLI::App app(
      "Measure throughput and latency per batch size. images/s is batch / p50 latency; the "
      "speed-up over --baseline is baseline p50 / ours p50 (the definition of perf/results).",
      "bench");
  std::string model, weights, backend = "auto", timing_cache;
  std::vector<int> batches = {1, 8};
  int iterations = 10, warmup = 2, streams = 4;
  bool json_out = false, no_optimize = false, baseline = false, no_fuse_reduce = false;
  bool rebuild_if_stale = false;
  app.add_option("MODEL", model, "model JSON, ONNX (.onnx) or engine file (.incept)")->required();
  app.add_option("--weights", weights, "safetensors weights (default: seeded random weights)");
  app.add_option("--backend", backend, "host, cuda or auto")
      ->check(CLI::IsMember({"host", "cuda", "auto"}));
  app.add_option("--batch", batches, "batch sizes, e.g. 1,8,64")
      ->delimiter(',')
      ->check(CLI::Range(1, 1 << 16));
  app.add_option("--iterations", iterations, "timed runs per batch size")
      ->check(CLI::Range(1, 100000));
  app.add_option("--warmup", warmup, "untimed runs first")->check(CLI::Range(1, 1000));
  app.add_option("--streams", streams, "most concurrent streams")->check(CLI::Range(1, 64));
  app.add_flag("--no-optimize", no_optimize, "run the graph as loaded");
  app.add_flag("--no-fuse-reduce", no_fuse_reduce,
               "keep the 1x1 reduce convs apart from their KxK convs");
  app.add_flag("--baseline", baseline, "also measure the unfused single-stream plan");
  app.add_flag("--json", json_out, "print JSON results");
  app.add_option("--timing-cache", timing_cache,
                 "reuse and extend the tactic timings in this file");
  app.add_flag("--rebuild-if-stale", rebuild_if_stale,
               "an engine file built for another device or version: rebuild and rewrite it");
  bool throughput = false;  // bench_throughput.h
  int contexts = 2;
  double seconds = 5;
  app.add_flag("--throughput", throughput,
               "sustained throughput: several contexts at once, copies overlapped with compute");
  app.add_option("--contexts", contexts, "--throughput: contexts working at once")
      ->check(CLI::Range(1, 64));
  app.add_option("--seconds", seconds, "--throughput: measuring time per batch size")
      ->check(CLI::Range(0.01, 3600.0));
  std::string precision = "fp32";
  AddPrecisionOption(app, precision);
  std::vector<std::string> io_names;
  AddIoOption(app, io_names)->excludes("--throughput");
  if (int code = Parse(app, args); code >= 0) return code;
  const std::vector<IoMemory> io = ParseIoModes(io_names);
  CheckIoModes(io, backend);

  LoadedModel m = LoadModel(model, weights);
  if (m.engine_file && (baseline || no_optimize || throughput))
    throw Error(
        "--baseline, --no-optimize and --throughput need a model JSON or ONNX file, not an engine "
        "file");
  std::vector<std::pair<std::string, EngineOptions>> variants;
  EngineOptions ours;
  ours.backend = backend;
  ours.optimize = !no_optimize;
  ours.streams = streams;
  if (no_fuse_reduce) ours.fuse_reduce = false;
  std::shared_ptr<TimingCache> cache = OpenTimingCache(timing_cache);
  ours.precision = ParsePrecision(precision);
  variants.push_back({no_optimize ? "unoptimized" : "optimized", ours});
  EngineOptions unfused_single_stream;
  unfused_single_stream.backend = backend;
  unfused_single_stream.optimize = false;
  unfused_single_stream.streams = 1;
  unfused_single_stream.precision = ours.precision;  // like with like
  if (baseline) variants.push_back({"baseline", unfused_single_stream});
  if (throughput)
    return RunThroughputBench(model, m.graph, m.weights, ours, batches, contexts, seconds,
                              json_out);

  std::vector<Measurement> results;
  for (const auto& [name, options] : variants) {
    std::unique_ptr<Engine> owned = MakeEngine(m, options, rebuild_if_stale);
    Engine& engine = *owned;
    if (cache) engine.UseTimingCache(cache);
    PrintEngineNotes(engine);
    CheckIoModes(io, engine.backend_name(), engine.fallback_reason());
    for (int batch : batches)
      for (IoMemory mode : io)
        results.push_back(Measure(engine, m.graph, batch, warmup, iterations, name, mode));
  }

  SaveTimingCache(timing_cache, cache);
  auto speedup = [&](const Measurement& r) {
    for (const Measurement& b : results)
      if (b.variant == "baseline" && b.batch == r.batch && b.io == r.io && r.variant != "baseline")
        return b.p50 / r.p50;  // ratio of median latencies
    return 0.0;
  };
  if (json_out) {
    nlohmann::json list = nlohmann::json::array();
    for (const Measurement& r : results) {
      nlohmann::json j = {{"batch", r.batch},
                          {"backend", r.backend},
                          {"variant", r.variant},
                          {"io", r.io},
                          {"images_per_second", r.images_per_second},
                          {"latency_ms", {{"p50", r.p50}, {"p90", r.p90}, {"p99", r.p99}}}};
      if (double s = speedup(r); s > 0) j["speedup_vs_baseline"] = s;
      if (r.replay_p50 > 0) j["replay_ms"] = {{"p50", r.replay_p50}};
      list.push_back(j);
    }
    std::printf("%s\n", nlohmann::json{{"model", model}, {"results", list}}.dump(2).c_str());
    return 0;
  }
  std::printf("%-12s %-8s %6s %-8s %12s %10s %10s %10s %9s\n", "variant", "backend", "batch", "io",
              "images/s", "p50 ms", "p90 ms", "p99 ms", "speed-up");
  for (const Measurement& r : results) {
    double s = speedup(r);
    std::printf("%-12s %-8s %6d %-8s %12.1f %10.2f %10.2f %10.2f %9s\n", r.variant.c_str(),
                r.backend.c_str(), r.batch, r.io.c_str(), r.images_per_second, r.p50, r.p90, r.p99,
                s > 0 ? (std::to_string(s).substr(0, 4) + "x").c_str() : "");
  }
  return 0;
}

}  // namespace incept::cli

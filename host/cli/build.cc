// incept build MODEL [--weights W] [--precision fp32|tf32|fp16|bf16] [--batch 1,8,64]
// [--timing-cache F]
//              -o MODEL.incept
// Optimises the model, plans it (and selects its tactics) for every batch size and writes
// an engine file (host/engine_file/engine_file.h) that run, bench, profile and plan load
// without planning or timing again.
#include <chrono>
#include <cstdio>

#include "graph/error.h"
#include "graph/planner/timing_cache.h"
#include "host/cli/cli_app.h"
#include "host/cli/model_loading.h"
#include "host/cli/precision_option.h"
#include "host/engine.h"
#include "host/engine_file/engine_file.h"
#include "host/io/file_bytes.h"

namespace incept::cli {

int RunBuild(const Args& args) {
  CLI::App app(
      "Build an engine file: the optimised graph, plans and tactics per batch size, and the "
      "converted weights, loaded later without re-planning or re-timing.",
      "build");
  std::string model, weights, output, backend = "auto", precision = "fp32", timing_cache;
  std::vector<int> batches = {1};
  int streams = 4;
  bool merge_1x1 = false, no_fuse_reduce = false;
  app.add_option("MODEL", model, "model JSON or ONNX (.onnx) file")->required();
  app.add_option("--weights", weights, "safetensors weights (default: seeded random weights)");
  app.add_option("-o,--output", output, "engine file to write (.incept)")->required();
  app.add_option("--batch", batches, "batch sizes to plan for, e.g. 1,8,64")
      ->delimiter(',')
      ->check(CLI::Range(1, 1 << 16));
  app.add_option("--backend", backend, "host, cuda or auto (cuda if usable, else host)")
      ->check(CLI::IsMember({"host", "cuda", "auto"}));
  AddPrecisionOption(app, precision);
  app.add_option("--timing-cache", timing_cache,
                 "reuse and extend the tactic timings in this file (created if missing)");
  app.add_option("--streams", streams, "most concurrent streams")->check(CLI::Range(1, 64));
  app.add_flag("--merge-1x1", merge_1x1, "merge the 1x1 convs that share an input into one");
  app.add_flag("--no-fuse-reduce", no_fuse_reduce,
               "keep the 1x1 reduce convs apart from their KxK convs");
  if (int code = Parse(app, args); code >= 0) return code;
  if (!IsEngineFilePath(output)) throw Error(output + ": an engine file's name ends in .incept");
  if (IsEngineFilePath(model))
    throw Error(model + ": already an engine file; give a model JSON or ONNX file");

  const auto start = std::chrono::steady_clock::now();
  LoadedModel m = LoadModel(model, weights);
  EngineOptions options;
  options.backend = backend;
  options.streams = streams;
  options.merge_horizontal = merge_1x1;
  options.precision = ParsePrecision(precision);
  if (no_fuse_reduce) options.fuse_reduce = false;
  std::shared_ptr<TimingCache> cache = OpenTimingCache(timing_cache);
  Engine engine(std::move(m.graph), std::move(m.weights), options);
  if (cache) engine.UseTimingCache(cache);
  PrintEngineNotes(engine);
  const Graph& graph = engine.optimized_graph();
  const std::vector<int> inputs = graph.InputIndices();
  if (inputs.size() != 1) throw Error(model + ": the model must have exactly one input");
  std::vector<Shape> shapes;
  for (int batch : batches) {
    Shape shape = graph.nodes[inputs[0]].shape;
    shape.n = batch;
    shapes.push_back(shape);
  }
  engine.Save(output, shapes);
  SaveTimingCache(timing_cache, cache);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const size_t bytes = ReadFileBytes(output).size();
  std::printf("wrote %s: %s backend (%s), %zu batch sizes, %.1f MiB, built in %.2f s\n",
              output.c_str(), engine.backend_name().c_str(),
              DeviceKeyString(engine.device()).c_str(), shapes.size(), bytes / 1048576.0, seconds);
  return 0;
}

}  // namespace incept::cli

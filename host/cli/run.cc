// incept run MODEL [--weights W] [--input X.npy | --image F...] [--output Y.npy]
//                  [--backend host|cuda|auto] [--top K] [--no-optimize] [--poison]
//                  [--streams S] [--batch N] [--merge-1x1]
// Runs the model once and prints the top-K classes of every image.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "host/cli/cli_app.h"
#include "host/cli/model_loading.h"
#include "host/cli/precision_option.h"
#include "host/engine.h"
#include "host/io/npy.h"

namespace incept::cli {
namespace {

// Softmax of one row, for display (a model ending in Softmax is left as it is).
std::vector<double> Probabilities(const float* logits, int64_t count, bool already) {
  std::vector<double> p(logits, logits + count);
  if (already) return p;
  double max = *std::max_element(p.begin(), p.end()), sum = 0;
  for (double& v : p) sum += (v = std::exp(v - max));
  for (double& v : p) v /= sum;
  return p;
}

}  // namespace

int RunRun(const Args& args) {
  CLI::App app("Run a model on a batch and print the top-K classes of each image.", "run");
  std::string model, weights, npy, output, backend = "auto", timing_cache;
  std::vector<std::string> images;
  int top = 5, streams = 4, batch = 1;
  bool no_optimize = false, poison = false, merge_1x1 = false, rebuild_if_stale = false;
  app.add_option("MODEL", model, "model JSON, ONNX (.onnx) or engine file (.incept)")->required();
  app.add_option("--weights", weights, "safetensors weights (default: seeded random weights)");
  app.add_option("--input", npy, "input batch, a float32 .npy of shape (N, C, H, W)");
  app.add_option("--image", images, "image files (JPEG, PNG, ...): ImageNet preprocessing");
  app.add_option("--output", output, "write the outputs (logits) to this .npy");
  app.add_option("--backend", backend, "host, cuda or auto (cuda if usable, else host)")
      ->check(CLI::IsMember({"host", "cuda", "auto"}));
  app.add_option("--top", top, "classes to print per image")->check(CLI::Range(1, 1000));
  app.add_option("--streams", streams, "most concurrent streams")->check(CLI::Range(1, 64));
  app.add_option("--batch", batch, "random batch size when no input is given")
      ->check(CLI::Range(1, 1 << 20));
  app.add_flag("--no-optimize", no_optimize, "run the graph as loaded (no fusion passes)");
  app.add_flag("--poison", poison, "host: NaN-fill each buffer when its value dies");
  app.add_flag("--merge-1x1", merge_1x1, "merge the 1x1 convs that share an input into one");
  app.add_option("--timing-cache", timing_cache,
                 "reuse and extend the tactic timings in this file");
  app.add_flag("--rebuild-if-stale", rebuild_if_stale,
               "an engine file built for another device or version: rebuild and rewrite it");
  std::string precision = "fp32";
  AddPrecisionOption(app, precision);
  if (int code = Parse(app, args); code >= 0) return code;

  LoadedModel m = LoadModel(model, weights);
  Tensor input = LoadInput(m.graph, npy, images, batch);
  EngineOptions options;
  options.backend = backend;
  options.optimize = !no_optimize;
  options.streams = streams;
  options.merge_horizontal = merge_1x1;
  options.precision = ParsePrecision(precision);
  std::shared_ptr<TimingCache> cache = OpenTimingCache(timing_cache);
  std::unique_ptr<Engine> owned = MakeEngine(m, options, rebuild_if_stale);
  Engine& engine = *owned;
  if (cache) engine.UseTimingCache(cache);
  PrintEngineNotes(engine);
  auto start = std::chrono::steady_clock::now();
  std::vector<Tensor> outputs = engine.Run(input, RunOptions{poison});
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const Tensor& out = outputs.at(0);
  if (!output.empty()) SaveNpy(output, out);
  SaveTimingCache(timing_cache, cache);

  std::vector<std::string> names = LoadClassNames(model);
  const Graph& g = engine.optimized_graph();
  const bool is_softmax = g.at(g.outputs[0]).op == OpKind::kSoftmax;
  const int64_t n = out.dims[0], classes = out.elements() / n;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<double> p = Probabilities(out.data.data() + i * classes, classes, is_softmax);
    std::vector<int64_t> order(classes);
    std::iota(order.begin(), order.end(), 0);
    int64_t k = std::min<int64_t>(top, classes);
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int64_t a, int64_t b) { return p[a] > p[b]; });
    std::printf("%s\n", images.size() == size_t(n) ? images[i].c_str()
                                                   : ("image " + std::to_string(i)).c_str());
    for (int64_t j = 0; j < k; ++j) {
      const int64_t c = order[j];
      std::printf("  %6.2f%%  %4lld  %s\n", 100 * p[c], static_cast<long long>(c),
                  c < int64_t(names.size()) ? names[c].c_str() : "");
    }
  }
  std::printf("%s backend, batch %lld, %.1f ms (first run: includes planning)%s\n",
              engine.backend_name().c_str(), static_cast<long long>(n), ms,
              output.empty() ? "" : (", outputs written to " + output).c_str());
  return 0;
}

}  // namespace incept::cli

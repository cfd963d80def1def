#include "host/cli/model_loading.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <new>
#include <random>

#include "graph/error.h"
#include "graph/json_io.h"
#include "graph/onnx/onnx_import.h"
#include "graph/planner/timing_cache.h"
#include "host/engine.h"
#include "host/engine_file/engine_file.h"
#include "host/io/image.h"
#include "host/io/non_finite.h"
#include "host/io/npy.h"
#include "host/io/safetensors.h"
#include "host/memory_budget.h"
#include "host/random_weights.h"

namespace incept::cli {

Graph LoadModelGraph(const std::string& model_path) {
  return IsOnnxPath(model_path) ? LoadOnnx(model_path).graph : LoadGraph(model_path);
}

namespace {

// One warning line per tensor holding NaN or Inf (at most kShown, then a count).
void WarnAboutNonFiniteWeights(const std::string& path, const WeightMap& weights) {
  constexpr size_t kShown = 8;
  const std::vector<NonFiniteTensor> found = FindNonFiniteTensors(weights);
  for (size_t i = 0; i < found.size() && i < kShown; ++i)
    std::fprintf(stderr, "warning: %s: %s\n", path.c_str(),
                 Describe(found[i], weights.at(found[i].name).elements()).c_str());
  if (found.size() > kShown)
    std::fprintf(stderr, "warning: %s: %zu more tensors hold NaN or Inf\n", path.c_str(),
                 found.size() - kShown);
}

}  // namespace

LoadedModel LoadModel(const std::string& model_path, const std::string& weights_path,
                      uint64_t seed) {
  LoadedModel m;
  m.path = model_path;
  if (IsEngineFilePath(model_path)) {
    if (!weights_path.empty())
      throw Error(model_path + ": an engine file holds its weights; drop --weights");
    const auto start = std::chrono::steady_clock::now();
    auto contents = std::make_shared<EngineFileContents>(ReadEngineFile(model_path));
    m.read_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    m.graph = contents->graph;
    m.engine_file = std::move(contents);
    return m;
  }
  if (IsOnnxPath(model_path)) {
    // An ONNX file brings its weights (its initializers); --weights replaces tensors by name.
    OnnxModel onnx = LoadOnnx(model_path);
    m.graph = std::move(onnx.graph);
    m.weights = std::move(onnx.weights);
    if (!weights_path.empty())
      for (auto& [name, tensor] : LoadSafetensors(weights_path))
        m.weights[name] = std::move(tensor);
    return m;
  }
  m.graph = LoadGraph(model_path);
  if (weights_path.empty()) {
    m.weights = RandomWeights(m.graph, seed);
    m.random_weights = true;
    std::fprintf(stderr,
                 "note: no --weights given: using seeded random weights (He init, seed %llu); "
                 "fine for timing, meaningless for predictions\n",
                 static_cast<unsigned long long>(seed));
  } else {
    m.weights = LoadSafetensors(weights_path);
    WarnAboutNonFiniteWeights(weights_path, m.weights);
  }
  return m;
}

std::shared_ptr<TimingCache> OpenTimingCache(const std::string& path) {
  if (path.empty()) return nullptr;
  auto cache = std::make_shared<TimingCache>(TimingCache::Load(path));
  std::fprintf(stderr, "note: timing cache %s: %zu entries\n", path.c_str(), cache->size());
  return cache;
}

void SaveTimingCache(const std::string& path, const std::shared_ptr<TimingCache>& cache) {
  if (path.empty() || !cache) return;
  cache->Save(path);
  std::fprintf(stderr, "note: timing cache %s saved (%zu entries)\n", path.c_str(), cache->size());
}

std::unique_ptr<Engine> MakeEngine(const LoadedModel& model, const EngineOptions& options,
                                   bool rebuild_if_stale) {
  if (!model.engine_file) return std::make_unique<Engine>(model.graph, model.weights, options);
  std::string notice;
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<Engine> engine =
      EngineFromContents(*model.engine_file, model.path, options, rebuild_if_stale, &notice);
  if (!notice.empty()) std::fprintf(stderr, "note: %s\n", notice.c_str());
  const double engine_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr,
               "note: engine file %s: %zu plans on the %s backend, loaded in %.1f ms (read and "
               "checked %.1f ms, engine %.1f ms; executables are built on first run)\n",
               model.path.c_str(), model.engine_file->prepared.size(),
               engine->backend_name().c_str(), model.read_ms + engine_ms, model.read_ms, engine_ms);
  return engine;
}

Tensor LoadInput(const Graph& graph, const std::string& npy_path,
                 const std::vector<std::string>& images, int batch, uint64_t seed) {
  if (!npy_path.empty() && !images.empty()) throw Error("give --input or --image, not both");
  std::vector<int> inputs = graph.InputIndices();
  if (inputs.size() != 1) throw Error("the model must have exactly one input");
  const Shape model_shape = graph.nodes[inputs[0]].shape;
  Tensor input;
  if (!npy_path.empty()) {
    NpyConversion conversion;
    input = LoadNpy(npy_path, &conversion);
    if (input.dims.size() != 4)
      throw Error(npy_path + ": expected a 4-D array (N, C, H, W), got shape " + input.dims_str());
    if (!conversion.conversion.empty())
      std::fprintf(stderr, "note: %s: %s input %s\n", npy_path.c_str(), conversion.dtype.c_str(),
                   conversion.conversion.c_str());
  } else if (!images.empty()) {
    // The ImageNet preprocessing crops 224x224; a model taking another size (Inception-v3:
    // 299x299) would run on an input it was not evaluated at, so say so instead.
    if (model_shape.h != kImageNetCrop || model_shape.w != kImageNetCrop)
      throw Error(
          "--image: the ImageNet preprocessing crops images to 224x224, but the model "
          "takes " +
          std::to_string(model_shape.h) + "x" + std::to_string(model_shape.w) +
          "; give --input X.npy preprocessed for that size");
    input = LoadImagesBatch(images);
  } else {
    if (batch < 1) throw Error("--batch must be >= 1");
    const std::vector<int64_t> dims{batch, model_shape.c, model_shape.h, model_shape.w};
    const int64_t bytes = batch * model_shape.per_image() * int64_t{sizeof(float)};
    const std::string who = "batch " + std::to_string(batch);
    RequireHostMemory(who, bytes, "for its random input", "use a smaller --batch");
    try {
      input = Tensor(dims);
    } catch (const std::bad_alloc&) {
      throw Error(AllocationFailure(who, bytes, "for its random input", "use a smaller --batch"));
    }
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float& v : input.data) v = normal(rng);
    std::fprintf(stderr, "note: no --input or --image: a seeded random batch of %d\n", batch);
  }
  if (input.dims[1] != model_shape.c)
    throw Error("input has " + std::to_string(input.dims[1]) + " channels, the model takes " +
                std::to_string(model_shape.c));
  return input;
}

void PrintEngineNotes(const Engine& engine) {
  if (!engine.fallback_reason().empty())
    std::fprintf(stderr, "note: running on the host backend: %s\n",
                 engine.fallback_reason().c_str());
  const std::vector<std::string>& unused = engine.unused_weights();
  if (unused.empty()) return;
  std::string list;
  for (size_t i = 0; i < unused.size() && i < 4; ++i) list += (i ? ", " : "") + unused[i];
  if (unused.size() > 4) list += ", ... (" + std::to_string(unused.size() - 4) + " more)";
  std::fprintf(stderr, "note: %zu weight tensors are not used by the inference graph: %s\n",
               unused.size(), list.c_str());
}

std::vector<std::string> LoadClassNames(const std::string& model_path) {
  std::string dir = model_path.substr(0, model_path.find_last_of('/') + 1);
  for (const std::string& path :
       {dir + "imagenet_classes.txt",
        std::string(INCEPT_SOURCE_DIR) + "/model_zoo/imagenet_classes.txt"}) {
    std::ifstream in(path);
    if (!in) continue;
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);) names.push_back(line);
    return names;
  }
  return {};
}

}  // namespace incept::cli

// What run, bench and plan share: loading a model and its weights (or seeded random ones,
// said plainly on stderr) and reading the input batch.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/tensor.h"

namespace incept {
class Engine;
struct EngineFileContents;
struct EngineOptions;
class TimingCache;
}  // namespace incept

namespace incept::cli {

struct LoadedModel {
  Graph graph;
  WeightMap weights;
  bool random_weights = false;
  // Set when MODEL is an engine file (.incept): its contents; `graph` is its optimised
  // graph and `weights` empty.
  std::shared_ptr<const EngineFileContents> engine_file;
  std::string path;
  double read_ms = 0;  // reading and checking the engine file
};

// --timing-cache F: the cache in F (empty if F does not exist yet; an Error if it is
// corrupted), or null for an empty path. SaveTimingCache merges it back into F and says so.
std::shared_ptr<TimingCache> OpenTimingCache(const std::string& path);
void SaveTimingCache(const std::string& path, const std::shared_ptr<TimingCache>& cache);

// The engine of a loaded model: from an engine file, its plans (refused if stale, unless
// `rebuild_if_stale`); else built from the graph and weights with `options`.
std::unique_ptr<Engine> MakeEngine(const LoadedModel& model, const EngineOptions& options,
                                   bool rebuild_if_stale = false);

// The graph of MODEL: a model JSON, or an ONNX file (.onnx) whose weights are dropped.
Graph LoadModelGraph(const std::string& model_path);

// Loads MODEL and WEIGHTS (a safetensors file); with an empty `weights_path`, seeded He
// random weights, with a notice on stderr. An ONNX MODEL (.onnx) brings its own weights;
// WEIGHTS, if given, replaces tensors of the same name.
LoadedModel LoadModel(const std::string& model_path, const std::string& weights_path,
                      uint64_t seed = 0);

// The input batch: an .npy (float32 NCHW), images (torchvision's ImageNet preprocessing),
// or, with neither, a seeded random batch of `batch` images of the model's input size.
Tensor LoadInput(const Graph& graph, const std::string& npy_path,
                 const std::vector<std::string>& images, int batch, uint64_t seed = 1);

// Prints the engine's notices on stderr: the host fallback, unused weight tensors.
void PrintEngineNotes(const Engine& engine);

// The ImageNet class names (model_zoo/imagenet_classes.txt next to the model, or the one
// in the source tree); empty if not found.
std::vector<std::string> LoadClassNames(const std::string& model_path);

}  // namespace incept::cli

// What run, bench and plan share: loading a model and its weights (or seeded random ones,
// said plainly on stderr) and reading the input batch.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/tensor.h"

namespace incept {
class Engine;
}

namespace incept::cli {

struct LoadedModel {
  Graph graph;
  WeightMap weights;
  bool random_weights = false;
};

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

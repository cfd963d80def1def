// Embedding incept in a C++ program: load a model and its weights, build an engine, run a
// batch. Built with the project (target embed_example) so this example always compiles.
//
//   embed_example MODEL.json [WEIGHTS.safetensors]
#include <cstdio>
#include <exception>

#include "graph/json_io.h"
#include "host/engine.h"
#include "host/io/safetensors.h"
#include "host/random_weights.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: embed_example MODEL.json [WEIGHTS.safetensors]\n");
    return 1;
  }
  try {
    incept::Graph graph = incept::LoadGraph(argv[1]);
    incept::WeightMap weights =
        argc > 2 ? incept::LoadSafetensors(argv[2]) : incept::RandomWeights(graph, 0);
    incept::EngineOptions options;  // backend "auto": CUDA where usable, else the host
    incept::Engine engine(std::move(graph), std::move(weights), options);

    incept::Tensor batch({2, 3, 224, 224});  // (N, C, H, W), preprocessed images
    std::vector<incept::Tensor> outputs = engine.Run(batch);
    std::printf("%s backend: output %s\n", engine.backend_name().c_str(),
                outputs.at(0).dims_str().c_str());
  } catch (const std::exception& e) {  // incept::Error: one line saying what failed
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

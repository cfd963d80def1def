// Helpers for the CUDA backend tests: the model zoo's GoogLeNets with seeded weights, the
// host oracle on the same plan, and the skip without a device (tests/cuda/gpu_test_util.h).
#pragma once

#include <cstdlib>
#include <string>

#include "cuda/cuda_backend.h"
#include "graph/json_io.h"
#include "graph/passes/passes.h"
#include "graph/shape_inference.h"
#include "host/engine.h"
#include "host/host_backend.h"
#include "host/random_weights.h"
#include "tests/cuda/gpu_test_util.h"
#include "tests/host/host_run_util.h"

namespace incept::cuda_test {

// The source tree: $INCEPT_SOURCE_DIR when set (a build carried to another machine, where
// the tree lies elsewhere; perf/gpu_check.sh sets it), else where the build was configured.
inline std::string SourceDir() {
  const char* env = std::getenv("INCEPT_SOURCE_DIR");
  return env && *env ? env : INCEPT_SOURCE_DIR;
}

inline const std::string kTorchvision = SourceDir() + "/model_zoo/googlenet_torchvision.json";
inline const std::string kCaffe = SourceDir() + "/model_zoo/googlenet.json";

// GPU fp32 vs host (docs/design.md §13).
constexpr double kFp32Tolerance = 1e-4;

// A model optimised as the Engine does, shapes inferred for `input`, with its plan.
struct PlannedModel {
  Graph graph;
  WeightMap weights;
  Plan plan;
};

inline PlannedModel Planned(const std::string& path, const Shape& input, int streams = 4,
                            bool optimize = true, uint64_t seed = 3) {
  PlannedModel m;
  m.graph = LoadGraph(path);
  InferShapes(m.graph);
  m.weights = RandomWeights(m.graph, seed);
  if (optimize) {
    OptimizeGraph(m.graph, m.weights);
  } else {
    m.graph.aux_outputs.clear();
  }
  InferShapes(m.graph, input);
  m.plan = MakePlan(m.graph, streams);
  return m;
}

inline Tensor HostOutput(const PlannedModel& m, const Tensor& input) {
  return MakeHostBackend()->Compile(m.graph, m.weights, m.plan)->Run(input, RunOptions{}).at(0);
}

inline Tensor InputFor(const Shape& s, uint64_t seed) {
  return testing::RandomInput({s.n, s.c, s.h, s.w}, seed);
}

}  // namespace incept::cuda_test

// Engine files and tactics on the CUDA backend (gpu label; skipped without a device):
// build, save, load and compare outputs; every conv's tactic records a cuDNN algorithm;
// the loaded engine keeps the file's tactics; a warm timing cache times nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <random>

#include "cuda/cuda_backend.h"
#include "graph/json_io.h"
#include "graph/planner/timing_cache.h"
#include "host/engine.h"
#include "host/random_weights.h"
#include "tests/cuda/gpu_test_util.h"

namespace incept {
namespace {

Tensor RandomBatch(int64_t n, uint64_t seed) {
  Tensor t({n, 3, 64, 64});
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& v : t.data) v = normal(rng);
  return t;
}

double RelativeL2(const Tensor& a, const Tensor& b) {
  double d = 0, r = 0;
  for (size_t i = 0; i < a.data.size(); ++i) {
    if (std::isnan(a.data[i]) || std::isnan(b.data[i])) return INFINITY;
    d += (double(a.data[i]) - b.data[i]) * (double(a.data[i]) - b.data[i]);
    r += double(b.data[i]) * b.data[i];
  }
  return std::sqrt(d / std::max(r, 1e-30));
}

struct Model {
  Graph graph;
  WeightMap weights;
};

Model GoogLeNet() {
  Model m;
  m.graph = LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json");
  m.weights = RandomWeights(m.graph, 9);
  return m;
}

TEST(CudaEngineFile, BuildSaveLoadCompare) {
  INCEPT_REQUIRE_GPU();
  RegisterCudaBackend();
  Model m = GoogLeNet();
  EngineOptions cuda;
  cuda.backend = "cuda";
  Engine built(m.graph, m.weights, cuda);
  const std::vector<Shape> shapes = {{1, 3, 64, 64}, {3, 3, 64, 64}};
  const std::string path =
      ::testing::TempDir() + "/cuda_engine_" + std::to_string(getpid()) + ".incept";
  built.Save(path, shapes);
  std::unique_ptr<Engine> loaded = Engine::Load(path);
  EngineOptions host;
  host.backend = "host";
  Engine reference(m.graph, m.weights, host);
  for (const Shape& shape : shapes) {
    const Plan& saved = built.Prepare(shape).plan;
    const Plan& read = loaded->Prepare(shape).plan;
    EXPECT_TRUE(saved.tactics == read.tactics);
    int convs = 0;
    for (const Tactic& t : read.tactics)
      if (t.kind == TacticKind::kCudnnConv) {
        ++convs;
        EXPECT_GE(t.algorithm, 0) << t.name;
      }
    EXPECT_GT(convs, 50);
    const Tensor input = RandomBatch(shape.n, 4);
    const Tensor a = built.Run(input)[0], b = loaded->Run(input)[0], h = reference.Run(input)[0];
    EXPECT_LE(RelativeL2(b, a), 1e-6) << "loaded vs built, batch " << shape.n;
    EXPECT_LE(RelativeL2(b, h), 1e-4) << "loaded vs host, batch " << shape.n;
  }
  std::remove(path.c_str());
}

TEST(CudaEngineFile, WarmTimingCacheTimesNothing) {
  INCEPT_REQUIRE_GPU();
  RegisterCudaBackend();
  Model m = GoogLeNet();
  EngineOptions cuda;
  cuda.backend = "cuda";
  auto cache = std::make_shared<TimingCache>();
  Engine cold(m.graph, m.weights, cuda);
  cold.UseTimingCache(cache);
  const Shape shape{1, 3, 64, 64};
  cold.Prepare(shape);
  EXPECT_GT(cache->size(), 0u);
  Engine warm(m.graph, m.weights, cuda);
  warm.UseTimingCache(cache);
  const Plan& plan = warm.Prepare(shape).plan;
  for (const Tactic& t : plan.tactics) {
    if (t.kind != TacticKind::kCudnnConv) continue;
    EXPECT_EQ(t.name.rfind("cudnn/timing-cache/", 0), 0u) << t.name;
  }
  const Tensor input = RandomBatch(1, 5);
  EXPECT_LE(RelativeL2(warm.Run(input)[0], cold.Run(input)[0]), 1e-5);
}

}  // namespace
}  // namespace incept

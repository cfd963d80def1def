// Reduce fusion chosen per pair on the GPU (cuda/reduce_fusion_choice.cc), label gpu: skips
// without a device, or one that cannot run fp16 (CannotRun: below compute capability 7.0).
//   - GoogLeNet fp16 with fusion chosen per pair against the host's fp16 rounding oracle
//   - the whole-plan confirmation never leaves a plan measurably slower than the unfused one
//   - a warm timing cache: the same decisions, nothing timed (as fast as a plan without)
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "cuda/cuda_backend.h"
#include "graph/json_io.h"
#include "graph/planner/tactic_select.h"
#include "host/engine.h"
#include "host/random_weights.h"
#include "tests/cuda/gpu_test_util.h"
#include "tests/host/host_run_util.h"

namespace incept {
namespace {

using testing::RandomInput;
using testing::RelativeL2;

// Why these tests cannot run here ("" if they can).
std::string Fp16SkipReason() {
  if (!gpu_test::HaveDevice()) return "no CUDA device";
  RegisterCudaBackend();
  return CreateBackend("cuda")->CannotRun(Precision::kFp16);
}

#define REQUIRE_FP16_ON_GPU()                 \
  do {                                        \
    const std::string why = Fp16SkipReason(); \
    if (!why.empty()) GTEST_SKIP() << why;    \
  } while (0)

Graph GoogLeNet() {
  return LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json");
}

EngineOptions Fp16(const std::string& backend, std::optional<bool> fuse) {
  EngineOptions o;
  o.backend = backend;
  o.precision = Precision::kFp16;
  o.fuse_reduce = fuse;
  return o;
}

TEST(ReduceFusionChoiceGpu, ChosenPerPairMatchesTheHostRoundingOracle) {
  REQUIRE_FP16_ON_GPU();
  const Graph graph = GoogLeNet();
  const WeightMap weights = RandomWeights(graph, 3);
  Engine gpu(graph, weights, Fp16("cuda", std::nullopt));
  Engine host(graph, weights, Fp16("host", false));
  for (int64_t batch : {1, 3}) {
    const Engine::Prepared& p = gpu.Prepare(Shape{batch, 3, 224, 224});
    int fused = 0;
    for (const ReduceFusionDecision& d : p.plan.reduce_fusions) {
      fused += d.fused;
      if (d.reason == FusionReason::kMeasured) {
        EXPECT_EQ(d.candidates.size(), 2u) << d.pair;
      }
    }
    std::printf("batch %lld: %d of %zu pairs fused\n", static_cast<long long>(batch), fused,
                p.plan.reduce_fusions.size());
    const Tensor input = RandomInput({batch, 3, 224, 224}, 9);
    // fp16 against the host that rounds alike (docs/precision.md): the fused kernel rounds
    // z to fp16 as the unfused plan rounds the reduce's output.
    EXPECT_LE(RelativeL2(gpu.Run(input).at(0), host.Run(input).at(0)), 5e-3);
  }
}

double MedianRunUs(Engine& engine, const Tensor& input) {
  std::vector<double> us;
  for (int i = 0; i < 30; ++i) {
    double t = 0;
    RunOptions run;
    run.run_us = &t;
    engine.Run(input, run);
    if (i >= 5) us.push_back(t);
  }
  return Median(us);
}

TEST(ReduceFusionChoiceGpu, ConfirmationNeverPicksASlowerPlan) {
  REQUIRE_FP16_ON_GPU();
  const Graph graph = GoogLeNet();
  const WeightMap weights = RandomWeights(graph, 4);
  Engine chosen(graph, weights, Fp16("cuda", std::nullopt));
  Engine unfused(graph, weights, Fp16("cuda", false));
  for (int64_t batch : {1, 64}) {
    const Tensor input = RandomInput({batch, 3, 224, 224}, 2);
    const double a = MedianRunUs(chosen, input), b = MedianRunUs(unfused, input);
    std::printf("batch %lld: chosen %.1f us, unfused %.1f us\n", static_cast<long long>(batch), a,
                b);
    EXPECT_LE(a, b * 1.05);  // the confirmation's noise bar, with room for run-to-run drift
  }
}

TEST(ReduceFusionChoiceGpu, WarmCacheDecidesAlikeWithoutTiming) {
  REQUIRE_FP16_ON_GPU();
  const Graph graph = GoogLeNet();
  const WeightMap weights = RandomWeights(graph, 5);
  auto cache = std::make_shared<TimingCache>();
  Engine cold(graph, weights, Fp16("cuda", std::nullopt));
  cold.UseTimingCache(cache);
  const Shape shape{8, 3, 224, 224};
  const std::vector<ReduceFusionDecision> first = cold.Prepare(shape).plan.reduce_fusions;
  Engine warm(graph, weights, Fp16("cuda", std::nullopt));
  warm.UseTimingCache(cache);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<ReduceFusionDecision> second = warm.Prepare(shape).plan.reduce_fusions;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(second[i].fused, first[i].fused) << first[i].pair;
    EXPECT_EQ(second[i].candidates, first[i].candidates) << first[i].pair;
  }
  EXPECT_LT(seconds, 5.0);  // a build and one context; no pair or plan timed
}

}  // namespace
}  // namespace incept

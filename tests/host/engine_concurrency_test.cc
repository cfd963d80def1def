// The Engine shared by 8 threads on the host backend: 1000 runs per thread over mixed batch
// and spatial sizes, through Engine::Run (the bounded pool, also with a bound of 1 so
// callers wait) and through per-thread EngineContexts, every output bitwise equal to the
// single-thread result. Also GoogLeNet itself, a few runs per thread. The concurrency tests
// also run under ThreadSanitizer in CI (.ci/run).
#include <gtest/gtest.h>

#include "tests/host/engine_concurrency_util.h"

namespace incept {
namespace {

using concurrency_test::BitwiseEqual;
using concurrency_test::MixedInputs;
using concurrency_test::RunFn;
using concurrency_test::Stress;
using concurrency_test::StressResult;

constexpr int kThreads = 8;

struct TinyModel {
  Graph graph = GraphFromJson(concurrency_test::TinyInceptionJson());
  WeightMap weights = RandomWeights(graph, 21);
};

// The single-thread results, from a separate engine (so the one under test starts cold).
std::vector<std::vector<Tensor>> Reference(const TinyModel& m, const std::vector<Tensor>& inputs) {
  Engine engine(m.graph, m.weights, EngineOptions{"host"});
  std::vector<std::vector<Tensor>> want;
  for (const Tensor& input : inputs) want.push_back(engine.Run(input));
  return want;
}

void ExpectAllEqual(const StressResult& r, int runs) {
  EXPECT_EQ(r.runs, runs);
  EXPECT_EQ(r.errors, 0) << r.first_error;
  EXPECT_EQ(r.mismatches, 0) << "outputs differing from the single-thread result";
}

TEST(EngineConcurrency, SharedEngineRunEqualsSingleThread) {
  TinyModel m;
  const std::vector<Tensor> inputs = MixedInputs({1, 2, 3, 5}, {9, 12});
  const auto want = Reference(m, inputs);
  Engine engine(m.graph, m.weights, EngineOptions{"host"});
  StressResult r = Stress(
      kThreads, 1000, inputs, want,
      [&](int) -> RunFn { return [&](const Tensor& x) { return engine.Run(x); }; }, BitwiseEqual);
  ExpectAllEqual(r, kThreads * 1000);
}

TEST(EngineConcurrency, PoolOfOneMakesCallersWait) {
  TinyModel m;
  const std::vector<Tensor> inputs = MixedInputs({1, 4}, {12});
  const auto want = Reference(m, inputs);
  EngineOptions options{"host"};
  options.max_executables_per_shape = 1;
  Engine engine(m.graph, m.weights, options);
  // Poisoned runs: a second caller inside a borrowed executable would read NaNs.
  StressResult r = Stress(
      kThreads, 300, inputs, want,
      [&](int) -> RunFn {
        return [&](const Tensor& x) { return engine.Run(x, RunOptions{/*poison=*/true}); };
      },
      BitwiseEqual);
  ExpectAllEqual(r, kThreads * 300);
}

TEST(EngineConcurrency, ContextPerThreadAndSharedRunTogether) {
  TinyModel m;
  const std::vector<Tensor> inputs = MixedInputs({1, 2, 3, 5}, {9, 12});
  const auto want = Reference(m, inputs);
  Engine engine(m.graph, m.weights, EngineOptions{"host"});
  std::vector<std::unique_ptr<EngineContext>> contexts;
  for (int t = 0; t < kThreads; ++t) contexts.push_back(engine.CreateContext());
  // Even threads use their own context, odd threads the engine's pool.
  StressResult r = Stress(
      kThreads, 1000, inputs, want,
      [&](int t) -> RunFn {
        if (t % 2 == 0) return [&, t](const Tensor& x) { return contexts[t]->Run(x); };
        return [&](const Tensor& x) { return engine.Run(x); };
      },
      BitwiseEqual);
  ExpectAllEqual(r, kThreads * 1000);
}

TEST(EngineConcurrency, ErrorsUnderConcurrencyLeaveThePoolUsable) {
  TinyModel m;
  EngineOptions options{"host"};
  options.max_executables_per_shape = 2;
  Engine engine(m.graph, m.weights, options);
  const Tensor good = testing::RandomInput({2, 3, 12, 12}, 5);
  const std::vector<Tensor> want = Engine(m.graph, m.weights, EngineOptions{"host"}).Run(good);
  // Half the calls ask for a shape the network cannot take (4 channels): each fails with
  // an error and none may leak an executable or a reservation of the pool.
  const std::vector<Tensor> inputs = {good, testing::RandomInput({2, 4, 12, 12}, 6)};
  std::atomic<int> bad_errors{0};
  StressResult r = Stress(
      kThreads, 200, inputs, {want, want},
      [&](int) -> RunFn {
        return [&](const Tensor& x) {
          try {
            return engine.Run(x);
          } catch (const Error& e) {
            if (x.dims[1] == 4 && std::string(e.what()).find("channels") != std::string::npos)
              ++bad_errors;
            return want;  // the expected failure; counted above
          }
        };
      },
      BitwiseEqual);
  ExpectAllEqual(r, kThreads * 200);
  EXPECT_EQ(bad_errors.load(), kThreads * 100);
  EXPECT_TRUE(BitwiseEqual(engine.Run(good), want));
}

TEST(EngineConcurrency, GoogLeNetSharedByThreads) {
  Graph graph = LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json");
  WeightMap weights = RandomWeights(graph, 8);
  const std::vector<Tensor> inputs = MixedInputs({1, 2}, {64});
  std::vector<std::vector<Tensor>> want;
  {
    Engine reference(graph, weights, EngineOptions{"host"});
    for (const Tensor& input : inputs) want.push_back(reference.Run(input));
  }
  Engine engine(graph, weights, EngineOptions{"host"});
  StressResult r = Stress(
      kThreads, 2, inputs, want,
      [&](int) -> RunFn { return [&](const Tensor& x) { return engine.Run(x); }; }, BitwiseEqual);
  ExpectAllEqual(r, kThreads * 2);
}

}  // namespace
}  // namespace incept

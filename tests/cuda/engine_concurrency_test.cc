// The Engine shared by 8 threads on the CUDA backend (skipped without a device): 1000 runs
// per thread over mixed batch and spatial sizes, through Engine::Run's pool and through
// per-thread EngineContexts. Each executable picks its cuDNN algorithms when it is built,
// so two executables of one shape may differ by rounding: every output must match the
// host's to the fp32 tolerance, and each executable must repeat its own result bitwise
// (checked through a context, whose executable per shape is always the same one).
#include <gtest/gtest.h>

#include "tests/cuda/backend_test_util.h"
#include "tests/host/engine_concurrency_util.h"

namespace incept {
namespace {

using concurrency_test::BitwiseEqual;
using concurrency_test::MixedInputs;
using concurrency_test::RunFn;
using concurrency_test::Stress;
using concurrency_test::StressResult;

constexpr int kThreads = 8;

bool WithinFp32Tolerance(const std::vector<Tensor>& got, const std::vector<Tensor>& want) {
  if (got.size() != want.size()) return false;
  for (size_t i = 0; i < got.size(); ++i)
    if (!(testing::RelativeL2(got[i], want[i]) <= cuda_test::kFp32Tolerance)) return false;
  return true;
}

struct TinyModel {
  Graph graph = GraphFromJson(concurrency_test::TinyInceptionJson());
  WeightMap weights = RandomWeights(graph, 21);
};

std::vector<std::vector<Tensor>> HostReference(const TinyModel& m,
                                               const std::vector<Tensor>& inputs) {
  Engine host(m.graph, m.weights, EngineOptions{"host"});
  std::vector<std::vector<Tensor>> want;
  for (const Tensor& input : inputs) want.push_back(host.Run(input));
  return want;
}

TEST(EngineConcurrencyCuda, SharedEngineRunMatchesHost) {
  INCEPT_REQUIRE_GPU();
  RegisterCudaBackend();
  TinyModel m;
  // 3 shapes x at most 4 executables: each CUDA executable costs streams, handles and a
  // timed algorithm choice to build, so the pool is bounded below the thread count.
  const std::vector<Tensor> inputs = MixedInputs({1, 3, 5}, {12});
  const auto want = HostReference(m, inputs);
  EngineOptions options{"cuda"};
  options.max_executables_per_shape = 4;
  Engine engine(m.graph, m.weights, options);
  StressResult r = Stress(
      kThreads, 1000, inputs, want,
      [&](int) -> RunFn { return [&](const Tensor& x) { return engine.Run(x); }; },
      WithinFp32Tolerance);
  EXPECT_EQ(r.runs, kThreads * 1000);
  EXPECT_EQ(r.errors, 0) << r.first_error;
  EXPECT_EQ(r.mismatches, 0);
}

TEST(EngineConcurrencyCuda, ContextsRepeatTheirOwnResultBitwise) {
  INCEPT_REQUIRE_GPU();
  RegisterCudaBackend();
  TinyModel m;
  const std::vector<Tensor> inputs = MixedInputs({1, 3}, {12});
  const auto host = HostReference(m, inputs);
  Engine engine(m.graph, m.weights, EngineOptions{"cuda"});
  std::vector<std::unique_ptr<EngineContext>> contexts;
  std::vector<std::vector<std::vector<Tensor>>> first(kThreads);  // [thread][input]
  for (int t = 0; t < kThreads; ++t) {
    contexts.push_back(engine.CreateContext());
    for (const Tensor& input : inputs) {
      first[t].push_back(contexts[t]->Run(input));
      ASSERT_TRUE(WithinFp32Tolerance(first[t].back(), host[first[t].size() - 1]));
    }
  }
  // Thread t checks against its own context's first results.
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < 500; ++r) {
        const size_t i = static_cast<size_t>(t + r) % inputs.size();
        try {
          if (!BitwiseEqual(contexts[t]->Run(inputs[i]), first[t][i])) ++mismatches;
        } catch (const std::exception&) {
          ++mismatches;  // an error is a failure too
        }
      }
    });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace incept

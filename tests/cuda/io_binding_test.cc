// Io bindings on the CUDA backend (cuda/cuda_context_io.cc; skipped without a device): a
// run from pinned host buffers and a run between device buffers compute exactly what the
// pageable Engine::Run computes on the same executable, bitwise, run after run; the
// pageable result is within the fp32 tolerance of the host's; a bad input shape is an
// error, not a crash.
#include <gtest/gtest.h>

#include "graph/error.h"
#include "tests/cuda/backend_test_util.h"
#include "tests/host/engine_concurrency_util.h"

namespace incept {
namespace {

using concurrency_test::BitwiseEqual;

void ExpectBindingsEqualRun(const Graph& graph, const WeightMap& weights,
                            const std::vector<int64_t>& dims, uint64_t seed) {
  SCOPED_TRACE(Tensor(dims).dims_str());
  EngineOptions options{"cuda"};
  options.max_executables_per_shape = 1;  // Run and every binding use the one executable
  Engine engine(graph, weights, options);
  Engine host(graph, weights, EngineOptions{"host"});
  const Tensor input = testing::RandomInput(dims, seed);
  const std::vector<Tensor> want = engine.Run(input);
  const std::vector<Tensor> oracle = host.Run(input);
  ASSERT_EQ(want.size(), oracle.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_LE(testing::RelativeL2(want[i], oracle[i]), cuda_test::kFp32Tolerance);
  for (IoMemory memory : {IoMemory::kPinned, IoMemory::kDevice, IoMemory::kPageable}) {
    SCOPED_TRACE(IoMemoryName(memory));
    auto bound = engine.Bind(memory, input);
    EXPECT_EQ(bound->memory(), memory);
    for (int run = 0; run < 3; ++run) {
      bound->Run();
      EXPECT_TRUE(BitwiseEqual(bound->Outputs(), want)) << "run " << run;
    }
  }
  EXPECT_TRUE(BitwiseEqual(engine.Run(input), want));  // the executable is back, unchanged
}

TEST(IoBindingCuda, TinyModelPinnedAndDeviceEqualPageableBitwise) {
  INCEPT_REQUIRE_GPU();
  RegisterCudaBackend();
  Graph graph = GraphFromJson(concurrency_test::TinyInceptionJson());
  WeightMap weights = RandomWeights(graph, 13);
  for (int64_t batch : {1, 3}) ExpectBindingsEqualRun(graph, weights, {batch, 3, 12, 12}, batch);
}

TEST(IoBindingCuda, GoogLeNetPinnedAndDeviceEqualPageableBitwise) {
  INCEPT_REQUIRE_GPU();
  RegisterCudaBackend();
  Graph graph = LoadGraph(cuda_test::kTorchvision);
  WeightMap weights = RandomWeights(graph, 17);
  ExpectBindingsEqualRun(graph, weights, {3, 3, 224, 224}, 23);  // odd batch, aux output off
}

TEST(IoBindingCuda, WrongShapeIsAnError) {
  INCEPT_REQUIRE_GPU();
  RegisterCudaBackend();
  cuda_test::PlannedModel m = cuda_test::Planned(cuda_test::kTorchvision, Shape{1, 3, 224, 224});
  cuda::CudaBackend backend;
  auto executable = backend.Compile(m.graph, m.weights, m.plan);
  for (IoMemory memory : {IoMemory::kPinned, IoMemory::kDevice})
    EXPECT_THROW(executable->BindIo(memory, Tensor({2, 3, 224, 224})), Error);
}

}  // namespace
}  // namespace incept

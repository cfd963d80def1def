// Inception-v3 on the CUDA backend against the host backend (fp32, relative L2 <= 1e-4):
// through the Engine at batch 1 and 3, and compiled directly on a 4-stream plan at batch 2
// and 342x342, where InceptionE's nested concats are slices of slices on the device and a
// NaN-filled arena must change nothing. Skips without a device.
#include <gtest/gtest.h>

#include <string>

#include "graph/error.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/schedule.h"
#include "tests/cuda/backend_test_util.h"

namespace incept {
namespace {

using cuda_test::InputFor;
using cuda_test::kFp32Tolerance;
using testing::RelativeL2;

const std::string kInceptionV3 =
    cuda_test::SourceDir() + "/model_zoo/inception_v3_torchvision.json";

TEST(CudaInceptionV3, EngineMatchesTheHost) {
  INCEPT_REQUIRE_GPU();
  RegisterCudaBackend();
  Graph graph = LoadGraph(kInceptionV3);
  WeightMap weights = RandomWeights(graph, 17);
  Engine host(graph, weights, EngineOptions{"host", true, 4});
  Engine gpu(graph, weights, EngineOptions{"cuda", true, 4});
  ASSERT_EQ(gpu.backend_name(), "cuda");
  for (int64_t batch : {1, 3}) {
    const Tensor input = InputFor(Shape{batch, 3, 299, 299}, 200 + batch);
    const Tensor want = host.Run(input).at(0);
    const Tensor got = gpu.Run(input).at(0);
    EXPECT_EQ(got.dims, want.dims);
    EXPECT_LE(RelativeL2(got, want), kFp32Tolerance) << "batch " << batch;
  }
}

// The CUDA backend's default passes: no reduce fusion (cuDNN's pair is faster on the GPU,
// and Mixed_7a's 192-channel reduce before a 3x3 stride-2 conv would need 240 KB of shared
// memory in our fused kernel). Its kernel is checked on v3's 1x7 and 7x1 pairs in
// kernels_test.cc.
TEST(CudaInceptionV3, NestedConcatSlicesOnTheDeviceMatchTheHostOnTheSamePlan) {
  INCEPT_REQUIRE_GPU();
  const Shape shape{2, 3, 342, 342};
  Graph graph = LoadGraph(kInceptionV3);
  WeightMap weights = RandomWeights(graph, 19);
  OptimizeOptions passes;
  passes.fuse_reduce = false;
  const PassReport report = OptimizeGraph(graph, weights, passes);
  ASSERT_EQ(report.concat_elided, 15);  // 11 blocks and InceptionE's 4 inner concats
  InferShapes(graph, shape);
  Plan plan = ScheduleStreams(graph, 4);
  PlanMemory(graph, plan);
  CheckNoOverlap(graph, plan);
  const Tensor input = InputFor(shape, 23);
  const Tensor want =
      MakeHostBackend()->Compile(graph, weights, plan)->Run(input, RunOptions{}).at(0);
  std::unique_ptr<Executable> exe = cuda::MakeCudaBackend()->Compile(graph, weights, plan);
  const Tensor got = exe->Run(input, RunOptions{}).at(0);
  EXPECT_LE(RelativeL2(got, want), kFp32Tolerance);
  const Tensor poisoned = exe->Run(input, RunOptions{true}).at(0);
  EXPECT_EQ(poisoned.data, got.data);
}

}  // namespace
}  // namespace incept

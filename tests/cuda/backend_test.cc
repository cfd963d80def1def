// The CUDA backend end to end: GoogLeNet (torchvision: BatchNorm folded, transform_input,
// elided concats, several streams; Caffe: LRN, 5x5, softmax) on the GPU against the host
// backend, in fp32 (relative L2 <= 1e-4), at batch 1 and 3:
//   - through incept::Engine, with the CUDA backend's own choice of passes: at fp32 no
//     reduce fusion (CudaBackend::ChooseReduceFusions), so the reduce and KxK convs run as
//     cuDNN pairs;
//   - through the backend directly on a plan with every pass (cuda_test::Planned), so the
//     fused reduce convs (our kernel) run there too, and on the unoptimised graph.
// The availability answer and the "auto" fallback run on every machine; the rest skips
// without a device.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "graph/error.h"
#include "tests/cuda/backend_test_util.h"

namespace incept {
namespace {

using cuda_test::InputFor;
using cuda_test::kCaffe;
using cuda_test::kFp32Tolerance;
using cuda_test::kTorchvision;
using testing::RelativeL2;

TEST(CudaBackend, IsRegisteredAndSaysWhetherItCanRun) {
  RegisterCudaBackend();
  std::vector<std::string> names = BackendNames();
  ASSERT_NE(std::find(names.begin(), names.end(), "cuda"), names.end());
  std::unique_ptr<Backend> backend = CreateBackend("cuda");
  EXPECT_EQ(backend->name(), "cuda");
  const std::string why = backend->Unavailable();  // must not throw or abort without a driver
  if (gpu_test::HaveDevice()) {
    EXPECT_EQ(why, "");
  } else {
    EXPECT_EQ(why.rfind("no CUDA device (cudaGetDeviceCount: ", 0), 0u) << why;
  }
}

TEST(CudaBackend, AutoPicksCudaWhenUsableElseSaysWhyNot) {
  RegisterCudaBackend();
  Graph graph = LoadGraph(kTorchvision);
  Engine engine(graph, RandomWeights(graph), EngineOptions{"auto"});
  if (gpu_test::HaveDevice()) {
    EXPECT_EQ(engine.backend_name(), "cuda");
    EXPECT_EQ(engine.fallback_reason(), "");
  } else {
    EXPECT_EQ(engine.backend_name(), "host");
    EXPECT_NE(engine.fallback_reason().find("no CUDA device"), std::string::npos)
        << engine.fallback_reason();
    EXPECT_THROW(Engine(graph, RandomWeights(graph), EngineOptions{"cuda"}), Error);
  }
}

// Engine "cuda" vs Engine "host" on the same graph and weights.
void ExpectEnginesAgree(const std::string& model, const EngineOptions& cuda_options) {
  RegisterCudaBackend();
  Graph graph = LoadGraph(model);
  WeightMap weights = RandomWeights(graph, 21);
  EngineOptions host_options = cuda_options;
  host_options.backend = "host";
  Engine host(graph, weights, host_options);
  Engine gpu(graph, weights, cuda_options);
  ASSERT_EQ(gpu.backend_name(), "cuda");
  for (int64_t batch : {1, 3}) {
    Tensor input = InputFor(Shape{batch, 3, 224, 224}, 100 + batch);
    Tensor want = host.Run(input).at(0);
    Tensor got = gpu.Run(input).at(0);
    EXPECT_EQ(got.dims, want.dims);
    EXPECT_LE(RelativeL2(got, want), kFp32Tolerance) << model << " batch " << batch;
    // Running again on the cached plan (a graph replay) gives the same bits.
    Tensor again = gpu.Run(input).at(0);
    EXPECT_EQ(again.data, got.data) << model << " batch " << batch;
  }
}

TEST(CudaBackend, TorchvisionGoogLeNetThroughTheEngineMatchesTheHost) {
  INCEPT_REQUIRE_GPU();
  ExpectEnginesAgree(kTorchvision, EngineOptions{"cuda", true, 4});
}

TEST(CudaBackend, CaffeGoogLeNetThroughTheEngineMatchesTheHost) {
  INCEPT_REQUIRE_GPU();
  ExpectEnginesAgree(kCaffe, EngineOptions{"cuda", true, 4});
}

// No passes: BatchNorm, ReLU, Dropout and Concat are launched (copies, affine maps).
TEST(CudaBackend, UnoptimizedGraphsMatchTheHost) {
  INCEPT_REQUIRE_GPU();
  ExpectEnginesAgree(kTorchvision, EngineOptions{"cuda", false, 1});
  ExpectEnginesAgree(kCaffe, EngineOptions{"cuda", false, 3});
}

// The backend directly on one plan, the host backend on the very same plan.
TEST(CudaBackend, CompiledPlanMatchesTheHostOnTheSamePlan) {
  INCEPT_REQUIRE_GPU();
  for (const std::string& model : {kTorchvision, kCaffe}) {
    for (int64_t batch : {1, 3}) {
      const Shape shape{batch, 3, 224, 224};
      cuda_test::PlannedModel m = cuda_test::Planned(model, shape);
      Tensor input = InputFor(shape, 7 + batch);
      Tensor want = cuda_test::HostOutput(m, input);
      std::unique_ptr<Executable> exe =
          cuda::MakeCudaBackend()->Compile(m.graph, m.weights, m.plan);
      Tensor got = exe->Run(input, RunOptions{}).at(0);
      EXPECT_LE(RelativeL2(got, want), kFp32Tolerance) << model << " batch " << batch;
      // A NaN-filled arena changes nothing: the plan writes everything it reads.
      Tensor poisoned = exe->Run(input, RunOptions{true}).at(0);
      EXPECT_EQ(poisoned.data, got.data) << model << " batch " << batch;
    }
  }
}

// Other spatial sizes get their own plan and context.
TEST(CudaBackend, OddSpatialSizeMatchesTheHost) {
  INCEPT_REQUIRE_GPU();
  const Shape shape{2, 3, 161, 97};
  cuda_test::PlannedModel m = cuda_test::Planned(kTorchvision, shape, 3);
  Tensor input = InputFor(shape, 5);
  Tensor got =
      cuda::MakeCudaBackend()->Compile(m.graph, m.weights, m.plan)->Run(input, RunOptions{}).at(0);
  EXPECT_LE(RelativeL2(got, cuda_test::HostOutput(m, input)), kFp32Tolerance);
}

TEST(CudaBackend, WrongInputShapeIsAnError) {
  INCEPT_REQUIRE_GPU();
  const Shape shape{1, 3, 224, 224};
  cuda_test::PlannedModel m = cuda_test::Planned(kTorchvision, shape);
  auto exe = cuda::MakeCudaBackend()->Compile(m.graph, m.weights, m.plan);
  try {
    exe->Run(InputFor(Shape{2, 3, 224, 224}, 1), RunOptions{});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("1x3x224x224"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace incept

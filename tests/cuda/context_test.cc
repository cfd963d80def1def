// CUDA execution contexts: the captured CUDA graph replays what the eager launches compute;
// several contexts share one upload of the weights and run from several threads at once;
// Enqueue works on a caller's stream (graph and eager); an arena too large for the device is
// a clean error naming the bytes. Skips without a device.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "cuda/stream.h"
#include "graph/error.h"
#include "tests/cuda/backend_test_util.h"

namespace incept {
namespace {

using cuda_test::InputFor;
using cuda_test::kFp32Tolerance;
using cuda_test::kTorchvision;
using testing::RelativeL2;

cuda::ContextOptions Eager() {
  cuda::ContextOptions options;
  options.use_cuda_graph = false;
  return options;
}

TEST(CudaContext, GraphReplayEqualsEagerLaunches) {
  INCEPT_REQUIRE_GPU();
  for (const std::string& model : {kTorchvision, cuda_test::kCaffe}) {
    const Shape shape{3, 3, 224, 224};
    cuda_test::PlannedModel m = cuda_test::Planned(model, shape);
    cuda::CudaBackend graphed, eager(Eager());
    auto replay = graphed.CreateContext(m.graph, m.plan, graphed.Upload(m.weights));
    auto direct = eager.CreateContext(m.graph, m.plan, eager.Upload(m.weights));
    ASSERT_TRUE(replay->uses_cuda_graph()) << replay->graph_fallback_reason();
    EXPECT_FALSE(direct->uses_cuda_graph());
    size_t convs = 0;  // each launches at least one kernel
    for (const Node& node : m.graph.nodes)
      convs += node.op == OpKind::kConv2d || node.op == OpKind::kFusedReduceConv;
    EXPECT_GE(replay->graph_node_count(), convs);
    EXPECT_EQ(replay->num_streams(), m.plan.num_streams);
    EXPECT_EQ(replay->arena_bytes(), static_cast<size_t>(m.plan.arena_bytes));
    for (uint64_t seed : {1, 2}) {
      Tensor input = InputFor(shape, seed);
      Tensor a = replay->Run(input, RunOptions{}).at(0);
      Tensor b = direct->Run(input, RunOptions{}).at(0);
      EXPECT_LE(RelativeL2(a, b), 1e-6) << model << " seed " << seed;
      EXPECT_LE(RelativeL2(a, cuda_test::HostOutput(m, input)), kFp32Tolerance) << model;
    }
  }
}

TEST(CudaContext, WeightsAreUploadedOncePerContent) {
  INCEPT_REQUIRE_GPU();
  cuda_test::PlannedModel m = cuda_test::Planned(kTorchvision, Shape{1, 3, 224, 224});
  cuda::CudaBackend backend;
  auto first = backend.Upload(m.weights);
  EXPECT_EQ(backend.Upload(m.weights), first);
  EXPECT_EQ(first->tensor_count(), m.weights.size());
  WeightMap changed = m.weights;
  changed.begin()->second.data.at(0) += 1.0f;
  EXPECT_NE(backend.Upload(changed), first);
}

// Two contexts on one DeviceWeights, each on its own thread, many inferences each.
TEST(CudaContext, TwoContextsOnTwoThreadsGiveTheSameResults) {
  INCEPT_REQUIRE_GPU();
  const Shape shape{2, 3, 224, 224};
  cuda_test::PlannedModel m = cuda_test::Planned(kTorchvision, shape);
  cuda::CudaBackend backend;
  auto weights = backend.Upload(m.weights);
  std::vector<Tensor> inputs = {InputFor(shape, 31), InputFor(shape, 32)};
  std::vector<Tensor> want;
  for (const Tensor& in : inputs) want.push_back(cuda_test::HostOutput(m, in));

  std::vector<std::unique_ptr<cuda::CudaContext>> contexts;
  for (int t = 0; t < 2; ++t) contexts.push_back(backend.CreateContext(m.graph, m.plan, weights));
  std::vector<std::string> errors(2);
  std::vector<double> worst(2, 0.0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < 20; ++i) {
          const size_t k = static_cast<size_t>((t + i) % 2);
          Tensor got = contexts[t]->Run(inputs[k], RunOptions{}).at(0);
          worst[t] = std::max(worst[t], RelativeL2(got, want[k]));
        }
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 2; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    EXPECT_LE(worst[t], kFp32Tolerance) << "thread " << t;
  }
}

// Enqueue on a stream the caller owns, device memory in and out, graph and eager.
TEST(CudaContext, EnqueueRunsOnTheCallersStream) {
  INCEPT_REQUIRE_GPU();
  const Shape shape{3, 3, 224, 224};
  cuda_test::PlannedModel m = cuda_test::Planned(kTorchvision, shape);
  Tensor input = InputFor(shape, 41);
  Tensor want = cuda_test::HostOutput(m, input);
  for (bool graph : {true, false}) {
    cuda::ContextOptions options;
    options.use_cuda_graph = graph;
    cuda::CudaBackend backend(options);
    auto context = backend.CreateContext(m.graph, m.plan, backend.Upload(m.weights));
    ASSERT_EQ(context->output_elements(), want.elements());
    gpu_test::DeviceBuffer<float> device_in(input.data);
    gpu_test::DeviceBuffer<float> device_out(static_cast<size_t>(context->output_elements()));
    cuda::Stream user;
    // Work queued before Enqueue is ordered before it: the input is written on `user` too.
    CUDA_CHECK(cudaMemsetAsync(device_in.get(), 0, input.data.size() * sizeof(float), user.get()));
    CUDA_CHECK(cudaMemcpyAsync(device_in.get(), input.data.data(),
                               input.data.size() * sizeof(float), cudaMemcpyHostToDevice,
                               user.get()));
    for (int i = 0; i < 3; ++i) context->Enqueue(device_in.get(), device_out.get(), user.get());
    user.Synchronize();
    std::vector<float> got = device_out.Download();
    Tensor out(want.dims);
    out.data = got;
    EXPECT_LE(RelativeL2(out, want), kFp32Tolerance) << (graph ? "graph" : "eager");
  }
}

TEST(CudaContext, ArenaTooLargeForTheDeviceIsAnErrorNamingTheBytes) {
  INCEPT_REQUIRE_GPU();
  const Shape shape{1 << 16, 3, 224, 224};  // about a terabyte of activations
  cuda_test::PlannedModel m = cuda_test::Planned(kTorchvision, shape, 1);
  try {
    cuda::MakeCudaBackend()->Compile(m.graph, m.weights, m.plan);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(m.plan.arena_bytes)), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace incept

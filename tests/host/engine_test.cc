// The Engine end to end on the host: the optimised, multi-stream, poisoned run equals the
// graph as loaded; every input shape gets its own plan; bad weights and bad inputs are
// clear errors.
#include "host/engine.h"

#include <gtest/gtest.h>

#include "graph/error.h"
#include "graph/json_io.h"
#include "host/random_weights.h"
#include "tests/host/host_run_util.h"

namespace incept {
namespace {

using testing::RandomInput;
using testing::RelativeL2;

const std::string kTorchvision =
    std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Engine, OptimisedPoisonedEqualsUnoptimised) {
  Graph graph = LoadGraph(kTorchvision);
  WeightMap weights = RandomWeights(graph, 5);
  Engine plain(graph, weights, EngineOptions{"host", false, 1});
  Engine fast(graph, weights, EngineOptions{"host", true, 4});
  EXPECT_EQ(fast.pass_report().batchnorm_folded, 57);
  for (int64_t batch : {1, 3}) {
    Tensor input = RandomInput({batch, 3, 112, 112}, 11 + batch);
    Tensor want = plain.Run(input).at(0);
    Tensor got = fast.Run(input, RunOptions{true}).at(0);
    EXPECT_EQ(got.dims, (std::vector<int64_t>{batch, 1000}));
    EXPECT_LE(RelativeL2(got, want), 1e-5) << "batch " << batch;
  }
}

TEST(Engine, PlansPerInputShape) {
  Graph graph = LoadGraph(kTorchvision);
  Engine engine(graph, RandomWeights(graph), EngineOptions{"host", true, 4});
  const auto& small = engine.Prepare(Shape{1, 3, 64, 64});
  const auto& large = engine.Prepare(Shape{2, 3, 96, 96});
  EXPECT_LT(small.plan.arena_bytes, large.plan.arena_bytes);
  EXPECT_EQ(&engine.Prepare(Shape{1, 3, 64, 64}), &small);  // cached
}

TEST(Engine, MissingWeightNamesNodeAndTensor) {
  Graph graph = LoadGraph(kTorchvision);
  WeightMap weights = RandomWeights(graph);
  weights.erase("inception4c.branch3.1.bn.running_var");
  std::string error = ErrorOf([&] { Engine(graph, weights, EngineOptions{"host"}); });
  EXPECT_NE(error.find("inception4c.branch3.1.bn"), std::string::npos) << error;
  EXPECT_NE(error.find("running_var"), std::string::npos) << error;
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

TEST(Engine, MisShapedWeightNamesBothShapes) {
  Graph graph = LoadGraph(kTorchvision);
  WeightMap weights = RandomWeights(graph);
  weights["conv1.conv.weight"] = Tensor({64, 3, 5, 5});
  std::string error = ErrorOf([&] { Engine(graph, weights, EngineOptions{"host"}); });
  EXPECT_NE(error.find("conv1.conv.weight"), std::string::npos) << error;
  EXPECT_NE(error.find("[64, 3, 5, 5]"), std::string::npos) << error;
  EXPECT_NE(error.find("[64, 3, 7, 7]"), std::string::npos) << error;
}

TEST(Engine, UnusedTensorsAreFine) {
  Graph graph = LoadGraph(kTorchvision);
  WeightMap weights = RandomWeights(graph);
  weights["conv1.bn.num_batches_tracked"] = Tensor(std::vector<int64_t>{});
  Engine engine(graph, weights, EngineOptions{"host"});
  EXPECT_EQ(engine.Run(RandomInput({1, 3, 64, 64})).at(0).dims[1], 1000);
}

TEST(Engine, BadInputsAreClearErrors) {
  Graph graph = LoadGraph(kTorchvision);
  Engine engine(graph, RandomWeights(graph), EngineOptions{"host"});
  std::string channels = ErrorOf([&] { engine.Run(RandomInput({1, 4, 64, 64})); });
  EXPECT_NE(channels.find("\"transform_input\""), std::string::npos) << channels;
  std::string tiny = ErrorOf([&] { engine.Run(RandomInput({1, 3, 8, 8})); });
  EXPECT_NE(tiny.find("smaller than 1 pixel"), std::string::npos) << tiny;
  std::string rank = ErrorOf([&] { engine.Run(Tensor({3, 64, 64})); });
  EXPECT_NE(rank.find("4-D"), std::string::npos) << rank;
}

TEST(Engine, OversizedBatchIsAnErrorNotACrash) {
  Graph graph = LoadGraph(kTorchvision);
  Engine engine(graph, RandomWeights(graph), EngineOptions{"host"});
  // ~1.2 TB of activations: planning works, allocating the arena must fail cleanly.
  std::string error = ErrorOf([&] { engine.Prepare(Shape{1 << 20, 3, 224, 224}); });
  EXPECT_NE(error.find("arena"), std::string::npos) << error;
}

TEST(Engine, UnknownBackendIsAnError) {
  Graph graph = LoadGraph(kTorchvision);
  std::string error = ErrorOf([&] { Engine(graph, RandomWeights(graph), EngineOptions{"tpu"}); });
  EXPECT_NE(error.find("\"tpu\""), std::string::npos) << error;
}

}  // namespace
}  // namespace incept

namespace incept {
namespace {

TEST(Engine, UnoptimizedGraphDropsTheAuxHeads) {
  Graph graph = LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet.json");
  Engine engine(graph, RandomWeights(graph), EngineOptions{"host", false, 1});
  EXPECT_EQ(engine.optimized_graph().IndexOf("loss1/fc"), -1);
  EXPECT_NE(engine.optimized_graph().IndexOf("pool5/drop_7x7_s1"), -1);  // kept as loaded
  // 231x231: a size whose last map is still 7x7 (the Caffe net's fixed 7x7
  // average pool and FC sizes take nothing else).
  Tensor probabilities = engine.Run(RandomInput({2, 3, 231, 231})).at(0);
  EXPECT_EQ(probabilities.dims, (std::vector<int64_t>{2, 1000}));
}

TEST(Engine, ReportsUnusedTensors) {
  Graph graph = LoadGraph(kTorchvision);
  WeightMap weights = RandomWeights(graph);  // includes the aux heads' tensors
  weights["conv1.bn.num_batches_tracked"] = Tensor(std::vector<int64_t>{});
  Engine engine(graph, weights, EngineOptions{"host"});
  const auto& unused = engine.unused_weights();
  EXPECT_NE(std::find(unused.begin(), unused.end(), "conv1.bn.num_batches_tracked"), unused.end());
  EXPECT_NE(std::find(unused.begin(), unused.end(), "aux1.fc2.weight"), unused.end());
  EXPECT_EQ(std::find(unused.begin(), unused.end(), "fc.weight"), unused.end());
  EXPECT_EQ(std::find(unused.begin(), unused.end(), "conv1.bn.running_var"), unused.end());
}

}  // namespace
}  // namespace incept

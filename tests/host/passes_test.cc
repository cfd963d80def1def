// Every graph pass keeps the graph's function: the host backend runs the graph before and
// after the pass (on a small input, random weights with non-trivial BatchNorm statistics
// and biases) and the outputs agree to 1e-5 relative L2.
#include "graph/passes/passes.h"

#include <gtest/gtest.h>

#include "graph/json_io.h"
#include "graph/shape_inference.h"
#include "host/random_weights.h"
#include "tests/host/host_run_util.h"

namespace incept {
namespace {

using testing::RandomInput;
using testing::RelativeL2;
using testing::RunOnHost;

const std::string kZoo = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/";

struct Model {
  Graph graph;
  WeightMap weights;
  Tensor input;
};

struct Case {
  std::string file;
  Shape input;
  bool has_batchnorm;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.file << " at " << c.input.str(); }

// torchvision's network at batch 3 and 96x96 (maps of 48, 24, 12, 6, 3 deeper in); Caffe's
// at 224x224, the only size its aux heads (fixed FC sizes) accept.
const Case kCases[] = {{"googlenet_torchvision.json", {3, 3, 96, 96}, true},
                       {"googlenet.json", {1, 3, 224, 224}, false}};

Model Load(const Case& c) {
  Model m;
  m.graph = LoadGraph(kZoo + c.file);
  m.weights = RandomWeights(m.graph, 3);
  InferShapes(m.graph, c.input);
  m.graph.aux_outputs.clear();  // the reference runs the inference graph
  m.input = RandomInput({c.input.n, c.input.c, c.input.h, c.input.w});
  return m;
}

class PassTest : public ::testing::TestWithParam<Case> {};

TEST_P(PassTest, EachPassKeepsTheOutput) {
  Model m = Load(GetParam());
  const std::string model = GetParam().file;
  const Tensor before = RunOnHost(m.graph, m.weights, m.input).at(0);

  Graph g = m.graph;
  WeightMap w = m.weights;
  struct Step {
    const char* name;
    std::function<int(Graph&, WeightMap&)> pass;
  };
  const std::vector<Step> steps = {
      {"EliminateDeadNodes", [](Graph& g, WeightMap&) { return EliminateDeadNodes(g); }},
      {"FoldBatchNorm", [](Graph& g, WeightMap& w) { return FoldBatchNorm(g, w); }},
      {"FuseConvRelu", [](Graph& g, WeightMap&) { return FuseConvRelu(g); }},
      {"FuseReduceConv", [](Graph& g, WeightMap&) { return FuseReduceConv(g); }},
      {"ElideConcats", [](Graph& g, WeightMap&) { return ElideConcats(g); }},
  };
  for (const Step& step : steps) {
    int rewrites = step.pass(g, w);
    InferShapes(g);
    const bool applies = GetParam().has_batchnorm || std::string(step.name) != "FoldBatchNorm";
    EXPECT_EQ(rewrites > 0, applies)
        << step.name << " made " << rewrites << " rewrites on " << model;
    for (int streams : {1, 4}) {
      const Tensor after = RunOnHost(g, w, m.input, streams).at(0);
      EXPECT_LE(RelativeL2(after, before), 1e-5)
          << step.name << " changed the output of " << model << " (streams " << streams << ")";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(GoogLeNets, PassTest, ::testing::ValuesIn(kCases));

TEST(Passes, TorchvisionFusionCounts) {
  Graph g = LoadGraph(kZoo + "googlenet_torchvision.json");
  InferShapes(g, Shape{8, 3, 224, 224});
  WeightMap w = RandomWeights(g, 1);
  PassReport r = OptimizeGraph(g, w);
  EXPECT_EQ(r.batchnorm_folded, 57);
  EXPECT_EQ(r.conv_relu, 57);
  // 18 in the Inception blocks, and the stem's conv2 (1x1 + ReLU) into conv3 (3x3): the
  // paper's Table 1 calls conv2 a "3x3 reduce" too.
  EXPECT_EQ(r.reduce_conv, 19);
  EXPECT_EQ(r.concat_elided, 9);
  // 3 dropouts (main and one per aux head), then the 8 other nodes of each aux head.
  EXPECT_EQ(r.dead_removed, 19);
  for (const Node& node : g.nodes) {
    EXPECT_NE(node.op, OpKind::kBatchNorm) << node.name;
    EXPECT_NE(node.op, OpKind::kDropout) << node.name;
  }
}

TEST(Passes, CaffeFusionCounts) {
  Graph g = LoadGraph(kZoo + "googlenet.json");
  WeightMap w = RandomWeights(g, 1);
  PassReport r = OptimizeGraph(g, w);
  EXPECT_EQ(r.batchnorm_folded, 0);
  EXPECT_EQ(r.conv_relu, 57);    // every main-path conv is followed by its ReLU
  EXPECT_EQ(r.reduce_conv, 19);  // 18 inception reduces + conv2/3x3_reduce -> conv2/3x3
  EXPECT_EQ(r.concat_elided, 9);
}

TEST(Passes, ReduceFusionMakesFusedNodesWithTheKxKName) {
  Graph g = LoadGraph(kZoo + "googlenet_torchvision.json");
  WeightMap w = RandomWeights(g, 1);
  OptimizeGraph(g, w);
  const Node& fused = g.at("inception3a.branch2.1.conv");
  ASSERT_EQ(fused.op, OpKind::kFusedReduceConv);
  const auto& a = fused.attr<FusedReduceConvAttrs>();
  EXPECT_EQ(a.in_channels, 192);
  EXPECT_EQ(a.reduce_channels, 96);
  EXPECT_EQ(a.conv.out_channels, 128);
  EXPECT_EQ(fused.inputs, std::vector<std::string>{"maxpool2"});
  EXPECT_EQ(g.IndexOf("inception3a.branch2.0.conv"), -1);
  ASSERT_TRUE(fused.output_slice.has_value());
  EXPECT_EQ(fused.output_slice->concat, "inception3a");
  EXPECT_EQ(fused.output_slice->channel_offset, 64);
}

}  // namespace
}  // namespace incept

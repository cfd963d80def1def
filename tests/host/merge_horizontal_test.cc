// Horizontal 1x1 merging keeps the graph's function: the host backend runs both GoogLeNets
// before and after MergeHorizontal1x1 (and the whole OptimizeGraph with merging on and
// off), on 1 and 4 streams with dead buffers poisoned, and the outputs agree to 1e-5
// relative L2. Also: which convs merge, the stacked weights, a tiny batch-2 graph whose
// slices are strided views, the Engine option and `incept plan --merge-1x1`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "graph/json_io.h"
#include "graph/passes/passes.h"
#include "graph/shape_inference.h"
#include "host/engine.h"
#include "host/random_weights.h"
#include "tests/host/cli_test_util.h"
#include "tests/host/host_run_util.h"

namespace incept {
namespace {

using testing::RandomInput;
using testing::RelativeL2;
using testing::RunOnHost;

const std::string kZoo = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/";

struct Case {
  std::string file;
  Shape input;
  std::string reduce3, reduce5, branch1;  // the block 3a convs that read its input
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.file << " at " << c.input.str(); }

const Case kCases[] = {{"googlenet_torchvision.json",
                        {3, 3, 96, 96},
                        "inception3a.branch2.0.conv",
                        "inception3a.branch3.0.conv",
                        "inception3a.branch1.conv"},
                       {"googlenet.json",
                        {1, 3, 224, 224},
                        "inception_3a/3x3_reduce",
                        "inception_3a/5x5_reduce",
                        "inception_3a/1x1"}};

struct Model {
  Graph graph;
  WeightMap weights;
  Tensor input;
};

Model Load(const Case& c) {
  Model m;
  m.graph = LoadGraph(kZoo + c.file);
  m.weights = RandomWeights(m.graph, 3);
  InferShapes(m.graph, c.input);
  m.graph.aux_outputs.clear();  // the reference runs the inference graph
  m.input = RandomInput({c.input.n, c.input.c, c.input.h, c.input.w});
  return m;
}

void ExpectSameOnHost(const Graph& g, const WeightMap& w, const Tensor& input, const Tensor& want,
                      const std::string& what) {
  for (int streams : {1, 4}) {
    const Tensor got = RunOnHost(g, w, input, streams, /*poison=*/true).at(0);
    EXPECT_LE(RelativeL2(got, want), 1e-5) << what << " (streams " << streams << ")";
  }
}

int Count(const Graph& g, OpKind op) {
  int count = 0;
  for (const Node& node : g.nodes) count += node.op == op;
  return count;
}

class MergeHorizontalTest : public ::testing::TestWithParam<Case> {};

TEST_P(MergeHorizontalTest, MergingKeepsTheOutput) {
  Model m = Load(GetParam());
  const Tensor want = RunOnHost(m.graph, m.weights, m.input).at(0);
  Graph g = m.graph;
  WeightMap w = m.weights;
  EliminateDeadNodes(g);
  FoldBatchNorm(g, w);
  FuseConvRelu(g);
  // The two reduces of each of the 9 Inception blocks; each block's 1x1 branch feeds the
  // Concat alone and stays a conv that writes its slice in place.
  EXPECT_EQ(MergeHorizontal1x1(g, w), 9);
  InferShapes(g);
  EXPECT_EQ(Count(g, OpKind::kChannelSlice), 18);
  EXPECT_EQ(g.at(GetParam().branch1).op, OpKind::kConv2d);
  ExpectSameOnHost(g, w, m.input, want, "MergeHorizontal1x1 on " + GetParam().file);

  // Nothing left to merge; the Concats still elide and reduce fusion finds only the stem.
  EXPECT_EQ(MergeHorizontal1x1(g, w), 0);
  EXPECT_EQ(FuseReduceConv(g), 1);
  EXPECT_EQ(ElideConcats(g), 9);
  InferShapes(g);
  ExpectSameOnHost(g, w, m.input, want, "merged, fused and elided " + GetParam().file);
}

TEST_P(MergeHorizontalTest, MergedConvStacksTheWeights) {
  Model m = Load(GetParam());
  Graph g = m.graph;
  WeightMap w = m.weights;
  OptimizeOptions options;
  options.fuse_reduce = false;
  options.merge_horizontal = true;
  const PassReport report = OptimizeGraph(g, w, options);
  EXPECT_EQ(report.horizontal_merged, 9);
  EXPECT_EQ(report.reduce_conv, 0);
  EXPECT_EQ(report.concat_elided, 9);

  const Case& c = GetParam();
  const Node& merged = g.at(c.reduce3 + "+merged");
  ASSERT_EQ(merged.op, OpKind::kConv2d);
  const auto& a = merged.attr<Conv2dAttrs>();
  EXPECT_EQ(a.in_channels, 192);
  EXPECT_EQ(a.out_channels, 96 + 16);
  EXPECT_EQ(a.activation, Activation::kReLU);
  EXPECT_TRUE(a.has_bias);
  EXPECT_EQ(merged.shape.c, 112);
  const Node& r3 = g.at(c.reduce3);
  const Node& r5 = g.at(c.reduce5);
  ASSERT_EQ(r3.op, OpKind::kChannelSlice);
  ASSERT_EQ(r5.op, OpKind::kChannelSlice);
  EXPECT_EQ(r3.attr<ChannelSliceAttrs>(), (ChannelSliceAttrs{0, 96}));
  EXPECT_EQ(r5.attr<ChannelSliceAttrs>(), (ChannelSliceAttrs{96, 16}));
  EXPECT_EQ(r3.inputs, std::vector<std::string>{merged.name});
  EXPECT_TRUE(r3.params.empty());
  EXPECT_LT(g.IndexOf(merged.name), g.IndexOf(c.reduce3));

  // The stacked tensors are the originals' (after BN folding) one after the other; rebuild
  // those with the same passes but no merging.
  Graph plain = m.graph;
  WeightMap pw = m.weights;
  options.merge_horizontal = false;
  OptimizeGraph(plain, pw, options);
  for (const char* role : {"weight", "bias"}) {
    const Tensor& stacked = w.at(merged.params.at(role));
    const Tensor& t3 = pw.at(plain.at(c.reduce3).params.at(role));
    const Tensor& t5 = pw.at(plain.at(c.reduce5).params.at(role));
    std::vector<float> want = t3.data;
    want.insert(want.end(), t5.data.begin(), t5.data.end());
    EXPECT_EQ(stacked.data, want) << role;
    EXPECT_EQ(stacked.dims[0], 112) << role;
  }
  EXPECT_EQ(w.at(merged.params.at("weight")).dims, (std::vector<int64_t>{112, 192, 1, 1}));
}

TEST_P(MergeHorizontalTest, OptimizeGraphWithMergingOnEqualsOff) {
  Model m = Load(GetParam());
  const Tensor want = RunOnHost(m.graph, m.weights, m.input).at(0);
  for (bool fuse_reduce : {true, false}) {
    for (bool merge : {false, true}) {
      Graph g = m.graph;
      WeightMap w = m.weights;
      OptimizeOptions options;
      options.fuse_reduce = fuse_reduce;
      options.merge_horizontal = merge;
      const PassReport r = OptimizeGraph(g, w, options);
      EXPECT_EQ(r.horizontal_merged, merge ? 9 : 0);
      // Merging runs first and takes the block reduces: only the stem's fuses then.
      EXPECT_EQ(r.reduce_conv, fuse_reduce ? (merge ? 1 : 19) : 0);
      EXPECT_EQ(r.concat_elided, 9);
      ExpectSameOnHost(g, w, m.input, want,
                       GetParam().file + (merge ? " merged" : " not merged") +
                           (fuse_reduce ? ", reduce fused" : ", no reduce fusion"));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(GoogLeNets, MergeHorizontalTest, ::testing::ValuesIn(kCases));

// x (2, 6, 5, 5) feeds: a (1x1 -> 3), b (1x1 -> 5) [merge]; c (1x1 -> 2, ReLU: another
// epilogue); d (3x3 -> 4: not 1x1); e (1x1 -> 2, read by the Concat alone); f (1x1 -> 2,
// a graph output). p = 3x3 conv of a, q = ReLU of b, out = Concat(p, q, c, d, e).
std::string Tiny() {
  auto conv = [](const std::string& name, const std::string& in, int cin, int cout, int k,
                 const std::string& act) {
    const int pad = k / 2;
    return R"({"name": ")" + name + R"(", "op": "Conv2d", "inputs": [")" + in +
           R"("], "attrs": {"in_channels": )" + std::to_string(cin) + R"(, "out_channels": )" +
           std::to_string(cout) + R"(, "kernel": [)" + std::to_string(k) + ", " +
           std::to_string(k) + R"(], "pad": [)" + std::to_string(pad) + ", " + std::to_string(pad) +
           R"(], "bias": true, "activation": ")" + act + R"("}, "params": {"weight": ")" + name +
           R"(.w", "bias": ")" + name + R"(.b"}})";
  };
  return R"({"format": "incept-graph", "version": 1, "name": "tiny", "nodes": [)"
         R"({"name": "x", "op": "Input", "attrs": {"shape": [2, 6, 5, 5]}},)" +
         conv("a", "x", 6, 3, 1, "none") + "," + conv("b", "x", 6, 5, 1, "none") + "," +
         conv("c", "x", 6, 2, 1, "relu") + "," + conv("d", "x", 6, 4, 3, "none") + "," +
         conv("e", "x", 6, 2, 1, "none") + "," + conv("f", "x", 6, 2, 1, "none") + "," +
         conv("p", "a", 3, 4, 3, "relu") + "," +
         R"({"name": "q", "op": "ReLU", "inputs": ["b"]},)"
         R"({"name": "out", "op": "Concat", "inputs": ["p", "q", "c", "d", "e"]}],)"
         R"( "outputs": ["out", "f"]})";
}

TEST(MergeHorizontal, OnlyTheEligible1x1ConvsMerge) {
  Graph g = GraphFromJson(Tiny());
  WeightMap w = RandomWeights(g, 9);
  const Tensor input = RandomInput({2, 6, 5, 5}, 4);
  const std::vector<Tensor> want = RunOnHost(g, w, input);
  EXPECT_EQ(MergeHorizontal1x1(g, w), 1);
  InferShapes(g);
  EXPECT_EQ(g.at("a+merged").attr<Conv2dAttrs>().out_channels, 8);
  EXPECT_EQ(g.at("a").op, OpKind::kChannelSlice);
  EXPECT_EQ(g.at("b").attr<ChannelSliceAttrs>(), (ChannelSliceAttrs{3, 5}));
  for (const char* kept : {"c", "d", "e", "f"}) EXPECT_EQ(g.at(kept).op, OpKind::kConv2d) << kept;
  EXPECT_EQ(w.at("a+merged.weight").dims, (std::vector<int64_t>{8, 6, 1, 1}));
  EXPECT_EQ(w.at("a+merged.bias").dims, (std::vector<int64_t>{8}));
  // Batch 2: the slices are strided views of the merged value (8 channels per image).
  for (int streams : {1, 4}) {
    const std::vector<Tensor> got = RunOnHost(g, w, input, streams, /*poison=*/true);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_LE(RelativeL2(got[0], want[0]), 1e-6) << "streams " << streams;
    EXPECT_LE(RelativeL2(got[1], want[1]), 1e-6) << "streams " << streams;
  }
}

TEST(MergeHorizontal, AViewThatIsAGraphOutputIsCopiedOutStrided) {
  // After merging, make the slice "b" (channels [3, 8) of 8) an output: its root lives to
  // the end and the host copies it out image by image.
  Graph g = GraphFromJson(Tiny());
  WeightMap w = RandomWeights(g, 2);
  const Tensor input = RandomInput({2, 6, 5, 5}, 5);
  Graph merged = g;
  WeightMap mw = w;
  ASSERT_EQ(MergeHorizontal1x1(merged, mw), 1);
  InferShapes(merged);
  g.outputs = {"b"};
  merged.outputs = {"b"};
  const Tensor want = RunOnHost(g, w, input).at(0);
  for (int streams : {1, 4})
    EXPECT_LE(RelativeL2(RunOnHost(merged, mw, input, streams).at(0), want), 1e-6);
}

TEST(MergeHorizontal, EngineOptionMergesAndKeepsTheOutput) {
  Graph graph = LoadGraph(kZoo + "googlenet_torchvision.json");
  WeightMap weights = RandomWeights(graph, 5);
  Engine plain(graph, weights, EngineOptions{"host", false, 1});
  EngineOptions options{"host", true, 4};
  options.merge_horizontal = true;
  Engine merged(graph, weights, options);
  EXPECT_EQ(merged.pass_report().horizontal_merged, 9);
  // Reduce fusion is per plan: the merge leaves one pair (its reduce does not read the
  // block's input), which the host fuses.
  EXPECT_EQ(merged.pass_report().reduce_conv, 0);
  const Plan& merged_plan = merged.Prepare(Shape{1, 3, 224, 224}).plan;
  ASSERT_EQ(merged_plan.reduce_fusions.size(), 1u);
  EXPECT_TRUE(merged_plan.reduce_fusions[0].fused);
  EXPECT_EQ(Engine(graph, weights, EngineOptions{"host", true, 4}).pass_report().horizontal_merged,
            0);
  for (int64_t batch : {1, 3}) {
    Tensor input = RandomInput({batch, 3, 112, 112}, 11 + batch);
    Tensor want = plain.Run(input).at(0);
    Tensor got = merged.Run(input, RunOptions{true}).at(0);
    EXPECT_LE(RelativeL2(got, want), 1e-5) << "batch " << batch;
  }
}

TEST(MergeHorizontal, PlanCliReportsTheMerges) {
  auto r =
      testing::RunCli("plan " + kZoo + "googlenet_torchvision.json --batch 2 --json --merge-1x1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["fusions"]["horizontal_merged"], 9);
  EXPECT_EQ(j["fusions"]["reduce_conv"], 1);
  auto off = testing::RunCli("plan " + kZoo + "googlenet_torchvision.json --batch 2 --json");
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(nlohmann::json::parse(off.out)["fusions"]["horizontal_merged"], 0);
}

}  // namespace
}  // namespace incept

// Inception-v3 in the model zoo: torchvision's counts, stage shapes at 299x299 and other
// sizes, asymmetric kernels, nested concats, the aux head off the inference path, and the
// checked-in JSON equal to the builder's output.
#include "model_zoo/inception_v3.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "graph/error.h"
#include "graph/json_io.h"
#include "graph/passes/passes.h"
#include "graph/shape_inference.h"
#include "graph/stats.h"

namespace incept {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kModel =
    std::string(INCEPT_SOURCE_DIR) + "/model_zoo/inception_v3_torchvision.json";

// torchvision's figures, measured once with torch 1.13 / torchvision 0.14:
//   m = torchvision.models.inception_v3(weights=None, aux_logits=True, transform_input=True)
//   parameters: sum(p.numel() for p in m.parameters()), without and with the "AuxLogits."
//   ones (27,161,264 in all is also Inception_V3_Weights.IMAGENET1K_V1.meta["num_params"]);
//   multiply-adds: forward hooks on every Conv2d (out.numel() * weight[0].numel()) and
//   Linear (in_features * out_features) over one 1x3x299x299 image, in eval() and, for
//   the aux head, in train().
TEST(InceptionV3, TorchvisionCounts) {
  const Graph g = LoadGraph(kModel);
  const GraphStats s = ComputeStats(g, false);
  EXPECT_EQ(s.parameters, 23834568);
  EXPECT_EQ(s.macs, 5713216096);
  const GraphStats with_aux = ComputeStats(g, true);
  EXPECT_EQ(with_aux.parameters, 27161264);
  EXPECT_EQ(with_aux.macs, 5718899296);
}

TEST(InceptionV3, StageOutputsAt299) {
  const Graph g = LoadGraph(kModel);
  EXPECT_EQ(g.at("Conv2d_1a_3x3.relu").shape, (Shape{1, 32, 149, 149}));
  EXPECT_EQ(g.at("maxpool1").shape, (Shape{1, 64, 73, 73}));
  EXPECT_EQ(g.at("maxpool2").shape, (Shape{1, 192, 35, 35}));
  EXPECT_EQ(g.at("Mixed_5b").shape, (Shape{1, 256, 35, 35}));
  EXPECT_EQ(g.at("Mixed_5d").shape, (Shape{1, 288, 35, 35}));
  EXPECT_EQ(g.at("Mixed_6a").shape, (Shape{1, 768, 17, 17}));
  EXPECT_EQ(g.at("Mixed_6e").shape, (Shape{1, 768, 17, 17}));
  EXPECT_EQ(g.at("AuxLogits.avg_pool").shape, (Shape{1, 768, 5, 5}));
  EXPECT_EQ(g.at("AuxLogits.conv1.relu").shape, (Shape{1, 768, 1, 1}));
  EXPECT_EQ(g.at("Mixed_7a").shape, (Shape{1, 1280, 8, 8}));
  EXPECT_EQ(g.at("Mixed_7b.branch3x3").shape, (Shape{1, 768, 8, 8}));
  EXPECT_EQ(g.at("Mixed_7c").shape, (Shape{1, 2048, 8, 8}));
  EXPECT_EQ(g.at("fc").shape.n, 1);
  EXPECT_EQ(g.at("fc").shape.c, 1000);
}

TEST(InceptionV3, AsymmetricKernelsAndCountIncludePadPools) {
  const Graph g = LoadGraph(kModel);
  const Window2d w17 = g.at("Mixed_6b.branch7x7_2.conv").attr<Conv2dAttrs>().window;
  EXPECT_EQ(w17.kernel_h, 1);
  EXPECT_EQ(w17.kernel_w, 7);
  EXPECT_EQ(w17.pad_top, 0);
  EXPECT_EQ(w17.pad_left, 3);
  EXPECT_EQ(w17.pad_right, 3);
  const Window2d w31 = g.at("Mixed_7c.branch3x3dbl_3b.conv").attr<Conv2dAttrs>().window;
  EXPECT_EQ(w31.kernel_h, 3);
  EXPECT_EQ(w31.kernel_w, 1);
  EXPECT_EQ(w31.pad_top, 1);
  EXPECT_EQ(w31.pad_bottom, 1);
  EXPECT_EQ(w31.pad_left, 0);
  const PoolAttrs& pool = g.at("Mixed_5b.avg_pool").attr<PoolAttrs>();
  EXPECT_TRUE(pool.count_include_pad);
  EXPECT_FALSE(pool.ceil_mode);
  EXPECT_EQ(pool.window.pad_top, 1);
  EXPECT_FALSE(g.at("maxpool1").attr<PoolAttrs>().ceil_mode);
  // torchvision's state_dict names.
  EXPECT_EQ(g.at("Mixed_6e.branch7x7dbl_5.bn").params.at("running_var"),
            "Mixed_6e.branch7x7dbl_5.bn.running_var");
  EXPECT_EQ(g.at("AuxLogits.fc").params.at("weight"), "AuxLogits.fc.weight");
}

TEST(InceptionV3, InceptionEConcatsNestInsideTheBlockConcat) {
  const Graph g = LoadGraph(kModel);
  for (const char* block : {"Mixed_7b", "Mixed_7c"}) {
    const std::string m = block;
    EXPECT_EQ(g.at(m).inputs,
              (std::vector<std::string>{m + ".branch1x1.relu", m + ".branch3x3",
                                        m + ".branch3x3dbl", m + ".branch_pool.relu"}));
    EXPECT_EQ(g.at(m + ".branch3x3").op, OpKind::kConcat);
    EXPECT_EQ(g.at(m + ".branch3x3dbl").inputs,
              (std::vector<std::string>{m + ".branch3x3dbl_3a.relu", m + ".branch3x3dbl_3b.relu"}));
  }
}

TEST(InceptionV3, AuxHeadIsOffTheInferencePathAndDroppedByTheOptimizer) {
  const Graph g = LoadGraph(kModel);
  EXPECT_EQ(g.aux_outputs, (std::vector<std::string>{"AuxLogits.fc"}));
  const std::vector<bool> main = ReachableFrom(g, g.outputs);
  EXPECT_FALSE(main[g.IndexOf("AuxLogits.conv1.conv")]);
  EXPECT_TRUE(main[g.IndexOf("Mixed_6e")]);
  Graph optimized = g;
  WeightMap no_weights;
  const PassReport report =
      OptimizeGraph(optimized, no_weights, OptimizeOptions{false, false, false, false});
  // AuxLogits: avg_pool, 2 x (conv, bn, relu), adaptive_avg_pool, flatten, fc; and dropout.
  EXPECT_EQ(report.dead_removed, 11);
  for (const Node& node : optimized.nodes) {
    EXPECT_EQ(node.name.rfind("AuxLogits", 0), std::string::npos) << node.name;
  }
}

TEST(InceptionV3, OtherInputSizesReinfer) {
  Graph g = LoadGraph(kModel);
  InferShapes(g, Shape{2, 3, 342, 342});  // 342 -> 170 -> 168 -> 83 -> 81 -> 40 -> 19 -> 9
  EXPECT_EQ(g.at("Mixed_5d").shape, (Shape{2, 288, 40, 40}));
  EXPECT_EQ(g.at("Mixed_6e").shape.h, 19);
  EXPECT_EQ(g.at("Mixed_7c").shape, (Shape{2, 2048, 9, 9}));
  EXPECT_EQ(g.at("fc").shape.c, 1000);
  EXPECT_THROW(InferShapes(g, Shape{1, 3, 32, 32}), Error);
}

TEST(InceptionV3, CheckedInFileMatchesTheBuilder) {
  EXPECT_EQ(ReadFile(kModel), GraphToJson(zoo::BuildInceptionV3Torchvision()))
      << "model_zoo/inception_v3_torchvision.json is stale: run generate_model_zoo model_zoo";
}

}  // namespace
}  // namespace incept

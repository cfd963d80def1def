// The model zoo: counts and stage sizes of both GoogLeNets, and the checked-in JSON files
// equal to the builders' output.
#include "model_zoo/googlenet.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "graph/error.h"
#include "graph/json_io.h"
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

const std::string kZoo = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/";

TEST(ModelZoo, TorchvisionCounts) {
  GraphStats s = ComputeStats(LoadGraph(kZoo + "googlenet_torchvision.json"), false);
  EXPECT_EQ(s.parameters, 6624904);
  EXPECT_EQ(s.macs, 1498376192);
  // With the aux heads: torchvision's googlenet(aux_logits=True) has 13,004,888.
  EXPECT_EQ(ComputeStats(LoadGraph(kZoo + "googlenet_torchvision.json"), true).parameters,
            13004888);
}

TEST(ModelZoo, CaffeCounts) {
  GraphStats s = ComputeStats(LoadGraph(kZoo + "googlenet.json"), false);
  EXPECT_EQ(s.parameters, 6998552);
  EXPECT_EQ(s.macs, 1582671872);
}

TEST(ModelZoo, StageOutputsAt224) {
  Graph tv = LoadGraph(kZoo + "googlenet_torchvision.json");
  EXPECT_EQ(tv.at("conv1.relu").shape, (Shape{1, 64, 112, 112}));
  EXPECT_EQ(tv.at("maxpool1").shape.h, 56);
  EXPECT_EQ(tv.at("inception3b").shape, (Shape{1, 480, 28, 28}));
  EXPECT_EQ(tv.at("inception4e").shape, (Shape{1, 832, 14, 14}));
  EXPECT_EQ(tv.at("inception5b").shape, (Shape{1, 1024, 7, 7}));
  EXPECT_EQ(tv.at("fc").shape, (Shape::Features(1, 1000)));

  Graph caffe = LoadGraph(kZoo + "googlenet.json");
  EXPECT_EQ(caffe.at("conv1/relu_7x7").shape.h, 112);
  EXPECT_EQ(caffe.at("pool1/3x3_s2").shape.h, 56);
  EXPECT_EQ(caffe.at("inception_3b/output").shape, (Shape{1, 480, 28, 28}));
  EXPECT_EQ(caffe.at("inception_4e/output").shape, (Shape{1, 832, 14, 14}));
  EXPECT_EQ(caffe.at("inception_5b/output").shape, (Shape{1, 1024, 7, 7}));
  EXPECT_EQ(caffe.at("loss1/ave_pool").shape, (Shape{1, 512, 4, 4}));
  EXPECT_EQ(caffe.at("prob").shape, (Shape::Features(1, 1000)));
}

TEST(ModelZoo, AuxHeadsAreOffTheInferencePath) {
  Graph tv = LoadGraph(kZoo + "googlenet_torchvision.json");
  std::vector<bool> main = ReachableFrom(tv, tv.outputs);
  EXPECT_FALSE(main[tv.IndexOf("aux1.fc2")]);
  EXPECT_FALSE(main[tv.IndexOf("aux2.conv.conv")]);
  EXPECT_TRUE(main[tv.IndexOf("inception4a")]);
  EXPECT_EQ(tv.aux_outputs, (std::vector<std::string>{"aux1.fc2", "aux2.fc2"}));
}

TEST(ModelZoo, TorchvisionParameterNamesAreStateDictKeys) {
  Graph tv = LoadGraph(kZoo + "googlenet_torchvision.json");
  EXPECT_EQ(tv.at("inception3a.branch2.1.conv").params.at("weight"),
            "inception3a.branch2.1.conv.weight");
  EXPECT_EQ(tv.at("inception4e.branch4.1.bn").params.at("running_var"),
            "inception4e.branch4.1.bn.running_var");
  // branch3 keeps torchvision's 3x3 kernel.
  EXPECT_EQ(tv.at("inception3a.branch3.1.conv").attr<Conv2dAttrs>().window.kernel_h, 3);
}

TEST(ModelZoo, CheckedInFilesMatchTheBuilders) {
  EXPECT_EQ(ReadFile(kZoo + "googlenet.json"), GraphToJson(zoo::BuildGoogLeNetCaffe()))
      << "model_zoo/googlenet.json is stale: run generate_model_zoo model_zoo";
  EXPECT_EQ(ReadFile(kZoo + "googlenet_torchvision.json"),
            GraphToJson(zoo::BuildGoogLeNetTorchvision()))
      << "model_zoo/googlenet_torchvision.json is stale: run generate_model_zoo model_zoo";
}

TEST(ModelZoo, OtherInputSizesReinfer) {
  Graph tv = LoadGraph(kZoo + "googlenet_torchvision.json");
  InferShapes(tv, Shape{3, 3, 299, 299});
  EXPECT_EQ(tv.at("fc").shape, (Shape::Features(3, 1000)));
  EXPECT_EQ(tv.at("inception5b").shape.h, 9);  // 299 -> 150 -> 75 -> 37 -> 18 -> 9
  EXPECT_THROW(InferShapes(tv, Shape{1, 3, 16, 16}), Error);
}

}  // namespace
}  // namespace incept

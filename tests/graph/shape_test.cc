// Shape's rank: image values are (N, C, H, W), feature values (N, F); the rank changes what
// the outside sees (dims, text), never the element count.
#include "graph/shape.h"

#include <gtest/gtest.h>

#include "graph/error.h"
#include "graph/json_io.h"
#include "graph/shape_inference.h"

namespace incept {
namespace {

TEST(Shape, RankDecidesDimsAndTextNotElements) {
  const Shape image{2, 3, 4, 5};
  EXPECT_EQ(image.rank, 4);
  EXPECT_EQ(image.dims(), (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(image.str(), "2x3x4x5");
  const Shape features = Shape::Features(2, 1000);
  EXPECT_EQ(features.dims(), (std::vector<int64_t>{2, 1000}));
  EXPECT_EQ(features.str(), "2x1000");
  EXPECT_EQ(features.elements(), 2000);
  EXPECT_EQ(features.per_image(), 1000);
  EXPECT_NE(features, (Shape{2, 1000, 1, 1}));  // same bytes, different rank
}

// Flatten and Linear give rank 2; Dropout and Softmax keep their input's rank; a global
// pool stays rank 4 (N, C, 1, 1), as in PyTorch.
TEST(Shape, InferenceGivesFeatureValuesRankTwo) {
  const std::string model = R"({"format": "incept-graph", "version": 1, "name": "rank",
    "nodes": [
      {"name": "x", "op": "Input", "attrs": {"shape": [3, 4, 5, 5]}},
      {"name": "pool", "op": "AdaptiveAvgPool", "inputs": ["x"], "attrs": {"output_size": [1, 1]}},
      {"name": "flat", "op": "Flatten", "inputs": ["pool"]},
      {"name": "drop", "op": "Dropout", "inputs": ["flat"], "attrs": {"p": 0.5}},
      {"name": "fc", "op": "Linear", "inputs": ["drop"],
       "attrs": {"in_features": 4, "out_features": 7, "bias": true},
       "params": {"weight": "fc.weight", "bias": "fc.bias"}},
      {"name": "prob", "op": "Softmax", "inputs": ["fc"]}],
    "outputs": ["prob"]})";
  Graph g = GraphFromJson(model, "rank.json");
  InferShapes(g);
  EXPECT_EQ(g.at("pool").shape, (Shape{3, 4, 1, 1}));
  EXPECT_EQ(g.at("flat").shape, Shape::Features(3, 4));
  EXPECT_EQ(g.at("drop").shape, Shape::Features(3, 4));
  EXPECT_EQ(g.at("fc").shape, Shape::Features(3, 7));
  EXPECT_EQ(g.at("prob").shape, Shape::Features(3, 7));
}

// A window op on a feature vector is an error naming the node and the rank, not a 1x1
// image in disguise.
TEST(Shape, ImageOpsRefuseFeatureInputs) {
  const std::string model = R"({"format": "incept-graph", "version": 1, "name": "bad",
    "nodes": [
      {"name": "x", "op": "Input", "attrs": {"shape": [1, 4, 3, 3]}},
      {"name": "flat", "op": "Flatten", "inputs": ["x"]},
      {"name": "pool", "op": "MaxPool", "inputs": ["flat"],
       "attrs": {"kernel": [1, 1], "stride": [1, 1]}}],
    "outputs": ["pool"]})";
  try {
    GraphFromJson(model, "bad.json");  // validates and infers shapes
    ADD_FAILURE() << "a MaxPool took a rank-2 input";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bad.json: nodes[2] \"pool\" (MaxPool): "), std::string::npos) << what;
    EXPECT_NE(what.find("input \"flat\" is 1x36 (rank 2); this op needs (N, C, H, W)"),
              std::string::npos)
        << what;
  }
}

}  // namespace
}  // namespace incept

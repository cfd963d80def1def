// JSON load/save: exact round trip, and one test per validation rule, each checking that
// the error names the JSON path or node and the rule.
#include "graph/json_io.h"

#include <gtest/gtest.h>

#include "graph/error.h"

namespace incept {
namespace {

// A small valid graph: input -> conv -> relu, a branch into a pool, and a concat.
std::string Doc(const std::string& nodes, const std::string& extra = "",
                const std::string& outputs = R"(["cat"])") {
  return R"({"format": "incept-graph", "version": 1, "name": "t", "nodes": [)" + nodes +
         R"(], "outputs": )" + outputs + extra + "}";
}

const std::string kInput = R"({"name": "x", "op": "Input", "attrs": {"shape": [2, 3, 9, 9]}})";
const std::string kConv =
    R"({"name": "conv", "op": "Conv2d", "inputs": ["x"], "attrs": {"in_channels": 3,)"
    R"( "out_channels": 4, "kernel": [3, 3], "pad": [1, 1], "bias": true},)"
    R"( "params": {"weight": "conv.w", "bias": "conv.b"}})";
const std::string kRelu = R"({"name": "relu", "op": "ReLU", "inputs": ["conv"]})";
const std::string kPool =
    R"({"name": "pool", "op": "MaxPool", "inputs": ["x"], "attrs": {"kernel": 3, "stride": 1,)"
    R"( "pad": 1, "ceil_mode": true}})";
const std::string kCat = R"({"name": "cat", "op": "Concat", "inputs": ["relu", "pool"]})";

std::string Valid() { return Doc(kInput + "," + kConv + "," + kRelu + "," + kPool + "," + kCat); }

// Expects GraphFromJson(text) to throw an Error whose message contains every fragment.
void ExpectError(const std::string& text, std::vector<std::string> fragments) {
  try {
    GraphFromJson(text, "m.json");
    FAIL() << "no error for: " << text;
  } catch (const Error& e) {
    std::string what = e.what();
    for (const std::string& f : fragments)
      EXPECT_NE(what.find(f), std::string::npos) << "'" << f << "' not in: " << what;
  }
}

TEST(JsonIo, LoadsAndInfersShapes) {
  Graph g = GraphFromJson(Valid());
  ASSERT_EQ(g.nodes.size(), 5u);
  EXPECT_EQ(g.at("conv").shape, (Shape{2, 4, 9, 9}));
  EXPECT_EQ(g.at("cat").shape, (Shape{2, 7, 9, 9}));
  EXPECT_EQ(g.at("conv").params.at("weight"), "conv.w");
}

TEST(JsonIo, RoundTripIsExact) {
  Graph g = GraphFromJson(Valid());
  std::string once = GraphToJson(g);
  Graph again = GraphFromJson(once);
  EXPECT_EQ(GraphToJson(again), once);
  ASSERT_EQ(again.nodes.size(), g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    EXPECT_EQ(again.nodes[i].name, g.nodes[i].name);
    EXPECT_TRUE(again.nodes[i].attrs == g.nodes[i].attrs) << g.nodes[i].name;
    EXPECT_EQ(again.nodes[i].shape, g.nodes[i].shape);
  }
}

TEST(JsonIo, FloatsRoundTripExactly) {
  const std::string affine =
      R"({"name": "a", "op": "ChannelAffine", "inputs": ["x"], "attrs": {"scale": )"
      R"([0.458, 0.1, 3.3333333], "shift": [-0.03, 1e-7, -0.188]}})";
  Graph g = GraphFromJson(Doc(kInput + "," + affine, "", R"(["a"])"));
  Graph again = GraphFromJson(GraphToJson(g));
  EXPECT_EQ(again.at("a").attr<ChannelAffineAttrs>().scale,
            g.at("a").attr<ChannelAffineAttrs>().scale);
  EXPECT_EQ(again.at("a").attr<ChannelAffineAttrs>().shift,
            g.at("a").attr<ChannelAffineAttrs>().shift);
}

TEST(JsonIo, NotJson) { ExpectError("{\"format\": ", {"m.json", "not valid JSON"}); }

TEST(JsonIo, TruncatedDocument) {
  std::string text = Valid();
  ExpectError(text.substr(0, text.size() / 2), {"m.json", "not valid JSON"});
}

TEST(JsonIo, NumberOverflowIsAnError) {
  ExpectError("1e400", {"m.json", "not valid JSON"});
  std::string text = Valid();
  text.replace(text.find("\"pad\": [1, 1]"), 13, "\"pad\": [1e999, 1]");
  ExpectError(text, {"m.json", "not valid JSON"});
}

TEST(JsonIo, TopLevelNotObject) { ExpectError("[1, 2]", {"object"}); }

TEST(JsonIo, WrongFormat) {
  ExpectError(R"({"format": "onnx", "version": 1, "nodes": []})", {"incept-graph"});
}

TEST(JsonIo, WrongVersion) {
  std::string text = Valid();
  text.replace(text.find("\"version\": 1"), 12, "\"version\": 7");
  ExpectError(text, {"version 7", "not supported"});
}

TEST(JsonIo, UnknownOp) {
  ExpectError(Doc(kInput + R"(, {"name": "g", "op": "Gelu", "inputs": ["x"]})", "", R"(["g"])"),
              {"nodes[1]", "\"g\"", "unknown op \"Gelu\""});
}

TEST(JsonIo, UnknownAttribute) {
  std::string conv = kConv;
  conv.replace(conv.find("\"pad\""), 5, "\"strides\": [1, 1], \"pad\"");
  ExpectError(Doc(kInput + "," + conv + "," + kRelu + "," + kPool + "," + kCat),
              {"nodes[1]", "\"conv\"", "unknown attribute \"strides\""});
}

TEST(JsonIo, MissingAttribute) {
  std::string conv = kConv;
  conv.replace(conv.find("\"out_channels\": 4, "), 19, "");
  ExpectError(Doc(kInput + "," + conv + "," + kRelu + "," + kPool + "," + kCat),
              {"nodes[1]", "missing attribute \"out_channels\""});
}

TEST(JsonIo, MissingParameter) {
  std::string conv = kConv;
  conv.replace(conv.find(", \"bias\": \"conv.b\""), 18, "");
  ExpectError(Doc(kInput + "," + conv + "," + kRelu + "," + kPool + "," + kCat),
              {"nodes[1]", "\"conv\"", "missing parameter \"bias\""});
}

TEST(JsonIo, DanglingInput) {
  ExpectError(
      Doc(kInput + R"(, {"name": "r", "op": "ReLU", "inputs": ["nowhere"]})", "", R"(["r"])"),
      {"nodes[1]", "\"r\"", "\"nowhere\" is not produced by any node"});
}

TEST(JsonIo, Cycle) {
  const std::string a = R"({"name": "a", "op": "Add", "inputs": ["x", "b"]})";
  const std::string b = R"({"name": "b", "op": "ReLU", "inputs": ["a"]})";
  ExpectError(Doc(kInput + "," + a + "," + b, "", R"(["b"])"), {"cycle"});
}

TEST(JsonIo, NodesOutOfOrderAreSorted) {
  Graph g = GraphFromJson(Doc(kCat + "," + kPool + "," + kRelu + "," + kConv + "," + kInput));
  EXPECT_EQ(g.nodes.front().name, "x");
  EXPECT_EQ(g.nodes.back().name, "cat");
}

TEST(JsonIo, DuplicateNames) {
  ExpectError(Doc(kInput + "," + kConv + "," + kRelu + "," + kPool + "," + kCat + "," + kPool),
              {"\"pool\"", "duplicate node name"});
}

TEST(JsonIo, ChannelMismatch) {
  std::string conv = kConv;
  conv.replace(conv.find("\"in_channels\": 3"), 16, "\"in_channels\": 5");
  ExpectError(Doc(kInput + "," + conv + "," + kRelu + "," + kPool + "," + kCat),
              {"nodes[1]", "\"conv\" (Conv2d)", "in_channels 5 != producer's 3"});
}

TEST(JsonIo, ConcatSpatialMismatch) {
  std::string pool = kPool;
  pool.replace(pool.find("\"stride\": 1"), 11, "\"stride\": 2");
  ExpectError(Doc(kInput + "," + kConv + "," + kRelu + "," + pool + "," + kCat),
              {"\"cat\" (Concat)", "incompatible"});
}

TEST(JsonIo, ZeroOrNegativeSizes) {
  ExpectError(
      Doc(R"({"name": "x", "op": "Input", "attrs": {"shape": [1, 3, 0, 9]}})", "", R"(["x"])"),
      {"nodes[0]", "sizes must be >= 1"});
  std::string conv = kConv;
  conv.replace(conv.find("\"kernel\": [3, 3]"), 16, "\"kernel\": [3, -1]");
  ExpectError(Doc(kInput + "," + conv + "," + kRelu + "," + kPool + "," + kCat),
              {"nodes[1]", "kernel"});
  std::string neg = kConv;
  neg.replace(neg.find("\"out_channels\": 4"), 17, "\"out_channels\": -4");
  ExpectError(Doc(kInput + "," + neg + "," + kRelu + "," + kPool + "," + kCat),
              {"nodes[1]", "out_channels"});
}

TEST(JsonIo, OutputSmallerThanOnePixel) {
  const std::string big =
      R"({"name": "c", "op": "Conv2d", "inputs": ["x"], "attrs": {"in_channels": 3,)"
      R"( "out_channels": 4, "kernel": [11, 11]}, "params": {"weight": "w"}})";
  ExpectError(Doc(kInput + "," + big, "", R"(["c"])"),
              {"nodes[1]", "\"c\"", "smaller than 1 pixel", "9x9"});
}

TEST(JsonIo, UnknownOutput) { ExpectError(Doc(kInput, "", R"(["nope"])"), {"output \"nope\""}); }

TEST(JsonIo, WrongTypes) {
  ExpectError(Doc(R"({"name": 3, "op": "Input"})"), {"nodes[0]", "name", "string"});
  ExpectError(Doc(kInput + R"(, {"name": "r", "op": "ReLU", "inputs": "x"})", "", R"(["r"])"),
              {"nodes[1]", "inputs"});
}

TEST(JsonIo, MissingFileIsAnError) { EXPECT_THROW(LoadGraph("/nonexistent/model.json"), Error); }

}  // namespace
}  // namespace incept

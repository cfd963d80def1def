// ChannelSlice (y = x[:, o:o+c]): shape inference, JSON round trip, and the errors for a
// slice outside the input's channels or malformed attributes.
#include <gtest/gtest.h>

#include "graph/error.h"
#include "graph/json_io.h"
#include "graph/op_registry.h"
#include "graph/shape_inference.h"

namespace incept {
namespace {

std::string Doc(int offset, int channels, const std::string& extra_attr = "") {
  return R"({"format": "incept-graph", "version": 1, "name": "t", "nodes": [)"
         R"({"name": "x", "op": "Input", "attrs": {"shape": [2, 8, 5, 7]}},)"
         R"({"name": "s", "op": "ChannelSlice", "inputs": ["x"], "attrs": {"channel_offset": )" +
         std::to_string(offset) + R"(, "channels": )" + std::to_string(channels) + extra_attr +
         R"(}}], "outputs": ["s"]})";
}

void ExpectError(const std::string& text, const std::vector<std::string>& fragments) {
  try {
    GraphFromJson(text, "m.json");
    FAIL() << "no error for: " << text;
  } catch (const Error& e) {
    const std::string what = e.what();
    for (const std::string& f : fragments)
      EXPECT_NE(what.find(f), std::string::npos) << "'" << f << "' not in: " << what;
  }
}

TEST(ChannelSlice, IsInTheOpTable) {
  const OpInfo* info = FindOpInfo("ChannelSlice");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->kind, OpKind::kChannelSlice);
  EXPECT_STREQ(OpName(OpKind::kChannelSlice), "ChannelSlice");
}

TEST(ChannelSlice, InfersTheSlicedShape) {
  Graph g = GraphFromJson(Doc(3, 4));
  EXPECT_EQ(g.at("s").shape, (Shape{2, 4, 5, 7}));
  const auto& a = g.at("s").attr<ChannelSliceAttrs>();
  EXPECT_EQ(a.channel_offset, 3);
  EXPECT_EQ(a.channels, 4);
  InferShapes(g, Shape{1, 8, 2, 3});
  EXPECT_EQ(g.at("s").shape, (Shape{1, 4, 2, 3}));
}

TEST(ChannelSlice, TheLastChannelsFit) {
  Graph g = GraphFromJson(Doc(0, 8));
  EXPECT_EQ(g.at("s").shape, (Shape{2, 8, 5, 7}));
  g = GraphFromJson(Doc(7, 1));
  EXPECT_EQ(g.at("s").shape, (Shape{2, 1, 5, 7}));
}

TEST(ChannelSlice, JsonRoundTripIsExact) {
  Graph g = GraphFromJson(Doc(2, 5));
  const std::string once = GraphToJson(g);
  EXPECT_NE(once.find("\"ChannelSlice\""), std::string::npos);
  EXPECT_NE(once.find("\"channel_offset\""), std::string::npos);
  Graph again = GraphFromJson(once);
  EXPECT_EQ(GraphToJson(again), once);
  EXPECT_EQ(again.at("s").attr<ChannelSliceAttrs>(), (ChannelSliceAttrs{2, 5}));
}

TEST(ChannelSlice, OffsetPlusChannelsBeyondTheInputIsAnError) {
  ExpectError(Doc(5, 4), {"\"s\"", "[5, 9)", "8 channels", "\"x\""});
}

TEST(ChannelSlice, NegativeOffsetOrNoChannelsIsAnError) {
  ExpectError(Doc(-1, 2), {"\"s\"", "[-1, 1)"});
  ExpectError(Doc(0, 0), {"\"s\"", "[0, 0)"});
}

TEST(ChannelSlice, MissingOrUnknownAttributesAreErrors) {
  ExpectError(R"({"format": "incept-graph", "version": 1, "name": "t", "nodes": [)"
              R"({"name": "x", "op": "Input", "attrs": {"shape": [2, 8, 5, 7]}},)"
              R"({"name": "s", "op": "ChannelSlice", "inputs": ["x"], "attrs": {"channels": 2}}],)"
              R"( "outputs": ["s"]})",
              {"channel_offset"});
  ExpectError(Doc(0, 2, R"(, "stride": 2)"), {"stride"});
}

}  // namespace
}  // namespace incept

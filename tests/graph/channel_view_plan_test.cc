// Channel views in the planner: a ChannelSlice is a view of its input's bytes (never
// launched), at offset + channel_offset * H * W * 4 B inside it, with its readers counted as
// the root's (the root lives until the last reader of any view), nested views add their
// offsets, and a ChannelSlice that writes a concat slice is a launched copy.
#include <gtest/gtest.h>

#include "graph/error.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/plan.h"
#include "graph/planner/schedule.h"
#include "graph/planner/views.h"

namespace incept {
namespace {

// A node of shape 1 x channels x hw x hw (channels * hw * hw * 4 bytes).
Node MakeNode(const std::string& name, OpKind op, std::vector<std::string> inputs, int64_t channels,
              int64_t hw = 2) {
  Node node;
  node.name = name;
  node.op = op;
  node.inputs = std::move(inputs);
  node.shape = {1, channels, hw, hw};
  return node;
}

Node Slice(const std::string& name, const std::string& input, int offset, int channels,
           int64_t hw = 2) {
  Node node = MakeNode(name, OpKind::kChannelSlice, {input}, channels, hw);
  node.attrs = ChannelSliceAttrs{offset, channels};
  return node;
}

Plan PlanFor(const Graph& g, int streams) {
  Plan plan = ScheduleStreams(g, streams);
  PlanMemory(g, plan, 4, 64);
  CheckNoOverlap(g, plan);
  return plan;
}

// in (4 ch) -> m (8 ch, 2x2: 16 B per channel) -> a = m[0:2], b = m[2:8]; a -> p, b -> q;
// r = concat(p, q) is the output.
Graph Merged() {
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 4),
             MakeNode("m", OpKind::kConv2d, {"in"}, 8),
             Slice("a", "m", 0, 2),
             Slice("b", "m", 2, 6),
             MakeNode("p", OpKind::kConv2d, {"a"}, 2),
             MakeNode("q", OpKind::kConv2d, {"b"}, 6),
             MakeNode("r", OpKind::kConcat, {"p", "q"}, 8)};
  g.outputs = {"r"};
  return g;
}

TEST(ChannelViewPlan, ChannelSliceIsAViewAtItsChannelOffset) {
  Graph g = Merged();
  const GraphViews views = AnalyzeViews(g);
  const int a = g.IndexOf("a"), b = g.IndexOf("b"), m = g.IndexOf("m");
  EXPECT_EQ(views.kind[a], ValueKind::kChannelView);
  EXPECT_EQ(views.kind[b], ValueKind::kChannelView);
  EXPECT_EQ(views.base[b], m);
  EXPECT_EQ(views.slice_channel_offset[b], 2);
  EXPECT_FALSE(views.launched[a]);
  EXPECT_FALSE(views.launched[b]);
  EXPECT_EQ(views.writers[b], std::vector<int>{m});
  // m's readers are its views' readers.
  EXPECT_EQ(views.readers[m], (std::vector<int>{g.IndexOf("p"), g.IndexOf("q")}));

  const Plan plan = PlanFor(g, 1);
  const ValuePlacement& pm = plan.values[m];
  EXPECT_EQ(pm.kind, ValueKind::kBuffer);
  EXPECT_EQ(pm.bytes, 8 * 16);
  EXPECT_EQ(plan.values[a].kind, ValueKind::kChannelView);
  EXPECT_EQ(plan.values[a].root, m);
  EXPECT_EQ(plan.values[a].offset, pm.offset);
  EXPECT_EQ(plan.values[a].bytes, 2 * 16);
  EXPECT_EQ(plan.values[b].offset, pm.offset + 2 * 16);
  EXPECT_EQ(plan.values[b].bytes, 6 * 16);
  for (const auto& stream : plan.streams)
    for (const Step& s : stream)
      if (s.kind == StepKind::kLaunch) {
        EXPECT_NE(s.node, a);
        EXPECT_NE(s.node, b);
      }
}

TEST(ChannelViewPlan, ExactOffsetsOnOneStream) {
  // Sizes: in 64, m 128, p 32, q 96, r 128. Order: m, p, q, r (one stream).
  // +in +m -in +p +q -m(after q: its views' last reader) +r -p -q.
  // Largest first: m at 0; r (128) conflicts with p and q only (m is dead before r): r at
  // 0. in (64) conflicts with m: at 128. q (96) conflicts with m and r: at 128. p (32)
  // conflicts with m, q, r: after q's end 224, aligned to 64: 256.
  Graph g = Merged();
  const Plan plan = PlanFor(g, 1);
  EXPECT_EQ(PlanToString(g, plan),
            "plan: 1 stream, 0 events\n"
            "stream 0: launch m, launch p, launch q, launch r\n"
            "memory: arena 288 B, lower bound 256 B, naive 448 B (4 B per element, alignment "
            "64)\n"
            "  in: buffer, offset 128, 64 B\n"
            "  m: buffer, offset 0, 128 B\n"
            "  a: channel view of m, offset 0, 32 B\n"
            "  b: channel view of m, offset 32, 96 B\n"
            "  p: buffer, offset 256, 32 B\n"
            "  q: buffer, offset 128, 96 B\n"
            "  r: buffer, offset 0, 128 B\n");
}

TEST(ChannelViewPlan, TheRootLivesUntilTheLastReaderOfAnyView) {
  // A view read late keeps m's bytes: nothing written before that reader may reuse them.
  for (int streams : {1, 2, 4}) {
    Graph g = Merged();
    const Plan plan = PlanFor(g, streams);  // CheckNoOverlap inside
    const ValuePlacement& m = plan.values[g.IndexOf("m")];
    for (const char* late : {"p", "q"}) {
      const ValuePlacement& v = plan.values[g.IndexOf(late)];
      EXPECT_FALSE(v.offset < m.offset + m.bytes && m.offset < v.offset + v.bytes)
          << late << " overlaps m on " << streams << " streams";
    }
  }
}

TEST(ChannelViewPlan, NestedViewsAddTheirOffsets) {
  // c = m[2:8][1:4] = m[3:6]: at m + 3 * 16; d = flatten(m) is an alias; e = d[5:9] with a
  // 1x1 plane: at m + 5 * 4.
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 4),
             MakeNode("m", OpKind::kConv2d, {"in"}, 8),
             Slice("b", "m", 2, 6),
             Slice("c", "b", 1, 3),
             MakeNode("p", OpKind::kConv2d, {"c"}, 2),
             MakeNode("d", OpKind::kFlatten, {"m"}, 32, 1),
             Slice("e", "d", 5, 4, 1),
             MakeNode("q", OpKind::kConv2d, {"e"}, 4, 1)};
  g.outputs = {"p", "q"};
  const Plan plan = PlanFor(g, 2);
  const int64_t m = plan.values[g.IndexOf("m")].offset;
  EXPECT_EQ(plan.values[g.IndexOf("c")].offset, m + 3 * 16);
  EXPECT_EQ(plan.values[g.IndexOf("c")].root, g.IndexOf("m"));
  EXPECT_EQ(plan.values[g.IndexOf("d")].kind, ValueKind::kAlias);
  EXPECT_EQ(plan.values[g.IndexOf("e")].offset, m + 5 * 4);
  EXPECT_EQ(plan.values[g.IndexOf("e")].kind, ValueKind::kChannelView);
}

TEST(ChannelViewPlan, AFlattenOfAViewIsACopyNotAnAlias) {
  // A channel view is strided (its images are its root's apart): reading it as contiguous
  // bytes would be wrong, so the Flatten launches.
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 4), MakeNode("m", OpKind::kConv2d, {"in"}, 8),
             Slice("b", "m", 2, 6), MakeNode("f", OpKind::kFlatten, {"b"}, 24, 1)};
  g.outputs = {"f"};
  const GraphViews views = AnalyzeViews(g);
  EXPECT_EQ(views.kind[g.IndexOf("f")], ValueKind::kBuffer);
  EXPECT_TRUE(views.launched[g.IndexOf("f")]);
  PlanFor(g, 1);
}

TEST(ChannelViewPlan, AViewThatIsAnOutputKeepsItsRootToTheEnd) {
  Graph g = Merged();
  g.outputs = {"r", "a"};
  const Plan plan = PlanFor(g, 2);
  const ValuePlacement& m = plan.values[g.IndexOf("m")];
  const ValuePlacement& r = plan.values[g.IndexOf("r")];
  EXPECT_FALSE(r.offset < m.offset + m.bytes && m.offset < r.offset + r.bytes);
}

TEST(ChannelViewPlan, AChannelSliceWritingAConcatSliceIsLaunched) {
  Graph g = Merged();
  g.at("a").output_slice = ConcatSlice{"r2", 0};
  g.nodes.push_back(MakeNode("r2", OpKind::kConcat, {"a", "q"}, 8));
  g.outputs = {"r", "r2"};
  const GraphViews views = AnalyzeViews(g);
  EXPECT_EQ(views.kind[g.IndexOf("a")], ValueKind::kSlice);
  EXPECT_TRUE(views.launched[g.IndexOf("a")]);
  PlanFor(g, 2);
}

TEST(ChannelViewPlan, ASliceOutsideItsInputIsAnError) {
  Graph g = Merged();
  g.at("b").attrs = ChannelSliceAttrs{3, 6};
  try {
    AnalyzeViews(g);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"b\""), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[3, 9)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace incept

// Nested concat elision (Inception-v3's InceptionE): a Concat of two convs that is itself an
// input of a Concat becomes a slice of a slice. Exact offsets in the plan, and the host run
// at batch 3 (slices stride over the outer concat's images) equal to the graph before the
// pass, with NaN poisoning, on 1 and 3 streams.
#include <gtest/gtest.h>

#include "graph/passes/passes.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/schedule.h"
#include "graph/shape_inference.h"
#include "host/random_weights.h"
#include "model_zoo/graph_builder.h"
#include "tests/host/host_run_util.h"

namespace incept {
namespace {

using testing::RandomInput;
using testing::RelativeL2;
using testing::RunOnHost;

// x (3x4x5x6) -> a 1x1 (6) -> [b 1x3 (5) | c 3x1 (7)] = inner (12)
// outer = [d 1x1 (3) | inner (12) | p avgpool 3/1/1 (4)] (19), read by e 1x1 (2).
Graph NestedGraph() {
  zoo::GraphBuilder g("nested");
  const std::string x = g.Input("x", {3, 4, 5, 6});
  const std::string a = g.Conv("a", x, {6, 1}, "a");
  const std::string b = g.Conv("b", a, {5, 1, 1, 0, true, 3, 1}, "b");
  const std::string c = g.Conv("c", a, {7, 3, 1, 1, true, 1, 0}, "c");
  const std::string inner = g.Concat("inner", {b, c});
  const std::string d = g.Conv("d", x, {3, 1}, "d");
  const std::string p = g.AvgPool("p", x, {3, 1, 1, false});
  const std::string outer = g.Concat("outer", {d, inner, p});
  return g.Finish({g.Conv("e", outer, {2, 1}, "e")}, {});
}

TEST(NestedConcat, TheInnerConcatBecomesASliceOfTheOuter) {
  Graph g = NestedGraph();
  EXPECT_EQ(ElideConcats(g), 2);
  ASSERT_TRUE(g.at("inner").elided && g.at("outer").elided);
  ASSERT_TRUE(g.at("inner").output_slice.has_value());
  EXPECT_EQ(g.at("inner").output_slice->concat, "outer");
  EXPECT_EQ(g.at("inner").output_slice->channel_offset, 3);
  EXPECT_EQ(g.at("c").output_slice->concat, "inner");
  EXPECT_EQ(g.at("c").output_slice->channel_offset, 5);
  EXPECT_EQ(g.at("p").output_slice->channel_offset, 15);

  Plan plan = ScheduleStreams(g, 3);
  PlanMemory(g, plan);
  CheckNoOverlap(g, plan);
  const int outer = g.IndexOf("outer");
  const int64_t base = plan.values[outer].offset;
  const int64_t channel_bytes = 5 * 6 * 4;  // one 5x6 plane of floats
  const struct {
    const char* value;
    int64_t channel;
  } expected[] = {{"d", 0}, {"inner", 3}, {"b", 3}, {"c", 8}, {"p", 15}};
  for (const auto& e : expected) {
    const ValuePlacement& v = plan.values[g.IndexOf(e.value)];
    EXPECT_EQ(v.kind, ValueKind::kSlice) << e.value;
    EXPECT_EQ(v.root, outer) << e.value;
    EXPECT_EQ(v.offset, base + e.channel * channel_bytes) << e.value;
  }
  // The outer concat's bytes: 3 images of 19 channels.
  EXPECT_EQ(plan.values[outer].bytes, 3 * 19 * channel_bytes);
}

TEST(NestedConcat, HostRunEqualsTheGraphBeforeElision) {
  const Graph before = NestedGraph();
  const WeightMap weights = RandomWeights(before, 9);
  const Tensor input = RandomInput({3, 4, 5, 6}, 13);
  const Tensor want = RunOnHost(before, weights, input, 1, false).at(0);
  Graph after = before;
  ASSERT_EQ(ElideConcats(after), 2);
  InferShapes(after);
  for (int streams : {1, 3}) {
    const Tensor got = RunOnHost(after, weights, input, streams, true).at(0);
    EXPECT_LE(RelativeL2(got, want), 1e-6) << streams << " streams";
  }
}

// An inner Concat that another node also reads stays a buffer of its own (the outer one
// copies it), and so do its slices' offsets.
TEST(NestedConcat, AnInnerConcatWithAnotherReaderIsNotNested) {
  zoo::GraphBuilder b("shared_inner");
  const std::string x = b.Input("x", {2, 4, 3, 3});
  const std::string inner =
      b.Concat("inner", {b.Conv("u", x, {2, 1}, "u"), b.Conv("v", x, {3, 1}, "v")});
  const std::string outer = b.Concat("outer", {b.Conv("w", x, {1, 1}, "w"), inner});
  Graph g = b.Finish({outer, b.Conv("z", inner, {2, 1}, "z")}, {});
  const WeightMap weights = RandomWeights(g, 3);
  const Tensor input = RandomInput({2, 4, 3, 3}, 5);
  const std::vector<Tensor> want = RunOnHost(g, weights, input, 1, false);
  EXPECT_EQ(ElideConcats(g), 1);
  EXPECT_FALSE(g.at("inner").output_slice.has_value());
  EXPECT_FALSE(g.at("outer").elided);
  const std::vector<Tensor> got = RunOnHost(g, weights, input, 2, true);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_LE(RelativeL2(got[i], want[i]), 1e-6) << i;
}

}  // namespace
}  // namespace incept

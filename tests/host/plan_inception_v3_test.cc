// The planner on Inception-v3: streams per block, the memory plan against its lower bound,
// the nested concats of InceptionE as slices of slices, and the optimised plan run with NaN
// poisoning on the host equal to the graph as loaded.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <set>

#include "graph/json_io.h"
#include "graph/passes/passes.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/schedule.h"
#include "graph/shape_inference.h"
#include "host/random_weights.h"
#include "tests/host/host_run_util.h"

namespace incept {
namespace {

using testing::RandomInput;
using testing::RelativeL2;
using testing::RunOnHost;

const std::string kModel =
    std::string(INCEPT_SOURCE_DIR) + "/model_zoo/inception_v3_torchvision.json";

struct Optimized {
  Graph graph;
  WeightMap weights;
  PassReport report;
};

Optimized LoadOptimized(int batch, int size = 299) {
  Optimized m;
  m.graph = LoadGraph(kModel);
  m.weights = RandomWeights(m.graph, 5);
  m.report = OptimizeGraph(m.graph, m.weights);
  InferShapes(m.graph, Shape{batch, 3, size, size});
  return m;
}

Plan PlanOf(const Graph& graph, int streams) {
  Plan plan = ScheduleStreams(graph, streams);
  PlanMemory(graph, plan);
  CheckNoOverlap(graph, plan);
  return plan;
}

// The streams that write a value: its own if launched, else those of the nodes writing
// its slices (an elided Concat nested in the block's Concat).
void WriterStreams(const Graph& g, const Plan& plan, const std::string& value,
                   std::set<int>& streams) {
  const int i = g.IndexOf(value);
  if (plan.node_stream[i] >= 0) {
    streams.insert(plan.node_stream[i]);
    return;
  }
  for (const std::string& input : g.nodes[i].inputs) WriterStreams(g, plan, input, streams);
}

TEST(PlanInceptionV3, PassesElideEveryConcatAndFuseTheReducePairs) {
  const Optimized m = LoadOptimized(1);
  EXPECT_EQ(m.report.batchnorm_folded, 94);
  EXPECT_EQ(m.report.conv_relu, 94);
  // 1x1 reduces whose only reader is a spatial conv: Conv2d_3b_1x1 -> Conv2d_4a_3x3, 2 per
  // InceptionA (x3), 1 in InceptionB, 2 per InceptionC (1x7 and 7x1, x4), 2 in InceptionD
  // (3x3 stride 2 and 1x7), 1 per InceptionE (branch3x3dbl; branch3x3_1 has two readers).
  EXPECT_EQ(m.report.reduce_conv, 20);
  EXPECT_EQ(m.graph.at("Mixed_6b.branch7x7_2.conv").op, OpKind::kFusedReduceConv);
  EXPECT_EQ(m.graph.at("Mixed_7b.branch3x3_1.conv").op, OpKind::kConv2d);
  // 11 blocks and the 2 inner concats of each InceptionE.
  EXPECT_EQ(m.report.concat_elided, 15);
  EXPECT_EQ(m.report.dead_removed, 11);  // dropout and the 10 nodes of the aux head
}

TEST(PlanInceptionV3, EveryBlockUsesAtLeastThreeStreams) {
  const Optimized m = LoadOptimized(8);
  const Plan plan = PlanOf(m.graph, 4);
  int blocks = 0;
  for (const Node& concat : m.graph.nodes) {
    if (concat.op != OpKind::kConcat || concat.output_slice) continue;
    ++blocks;
    ASSERT_TRUE(concat.elided) << concat.name;
    std::set<int> streams;
    for (const std::string& input : concat.inputs) WriterStreams(m.graph, plan, input, streams);
    EXPECT_GE(streams.size(), 3u) << concat.name;
  }
  EXPECT_EQ(blocks, 11);
}

TEST(PlanInceptionV3, NestedConcatsAreSlicesOfTheBlock) {
  const Optimized m = LoadOptimized(2);
  const Graph& g = m.graph;
  const Plan plan = PlanOf(g, 4);
  const int block = g.IndexOf("Mixed_7b");
  const int64_t plane_bytes = 8 * 8 * 4;
  const ValuePlacement& root = plan.values[block];
  // Mixed_7b = [branch1x1 320 | branch3x3 768 = [2a 384 | 2b 384] | branch3x3dbl 768 =
  //             [3a 384 | 3b 384] | branch_pool 192].
  const struct {
    const char* value;
    int64_t channel;
  } expected[] = {{"Mixed_7b.branch1x1.conv", 0},          {"Mixed_7b.branch3x3", 320},
                  {"Mixed_7b.branch3x3_2a.conv", 320},     {"Mixed_7b.branch3x3_2b.conv", 704},
                  {"Mixed_7b.branch3x3dbl", 1088},         {"Mixed_7b.branch3x3dbl_3a.conv", 1088},
                  {"Mixed_7b.branch3x3dbl_3b.conv", 1472}, {"Mixed_7b.branch_pool.conv", 1856}};
  for (const auto& e : expected) {
    const ValuePlacement& v = plan.values[g.IndexOf(e.value)];
    EXPECT_EQ(v.kind, ValueKind::kSlice) << e.value;
    EXPECT_EQ(v.root, block) << e.value;
    EXPECT_EQ(v.offset, root.offset + e.channel * plane_bytes) << e.value;
  }
  EXPECT_EQ(g.at("Mixed_7b.branch3x3_2b.conv").output_slice->concat, "Mixed_7b.branch3x3");
  EXPECT_EQ(g.at("Mixed_7b.branch3x3_2b.conv").output_slice->channel_offset, 384);
}

TEST(PlanInceptionV3, ArenaIsWithinTheBound) {
  Optimized m = LoadOptimized(1);
  for (int batch : {1, 8}) {
    InferShapes(m.graph, Shape{batch, 3, 299, 299});
    for (int streams : {1, 4}) {
      const Plan plan = PlanOf(m.graph, streams);
      EXPECT_LE(plan.arena_bytes, 1.15 * plan.lower_bound_bytes)
          << "batch " << batch << " streams " << streams;
      EXPECT_LT(plan.arena_bytes, 0.5 * plan.naive_bytes);
      std::printf("batch %d streams %d: arena %lld, lower bound %lld, naive %lld bytes\n", batch,
                  streams, static_cast<long long>(plan.arena_bytes),
                  static_cast<long long>(plan.lower_bound_bytes),
                  static_cast<long long>(plan.naive_bytes));
    }
  }
}

// One image at 299x299 (5.7 G multiply-adds per run): the graph as loaded (without its
// aux head) against the optimised one on 4 streams with every dead buffer NaN-filled.
TEST(PlanInceptionV3, PoisonedOptimizedRunEqualsTheGraphAsLoaded) {
  Graph loaded = LoadGraph(kModel);
  WeightMap weights = RandomWeights(loaded, 5);
  Graph reference = loaded;
  EliminateDeadNodes(reference);  // the aux head and dropout: not on the inference path
  InferShapes(reference);
  Graph optimized = loaded;
  WeightMap optimized_weights = weights;
  OptimizeGraph(optimized, optimized_weights);
  const Tensor input = RandomInput({1, 3, 299, 299}, 11);
  const auto start = std::chrono::steady_clock::now();
  const Tensor want = RunOnHost(reference, weights, input, 1, false).at(0);
  const Tensor got = RunOnHost(optimized, optimized_weights, input, 4, true).at(0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rel = RelativeL2(got, want);
  std::printf("optimised (poisoned, 4 streams) vs as loaded: rel L2 %.2e, %.1f s for both\n", rel,
              seconds);
  EXPECT_LE(rel, 1e-5);
}

}  // namespace
}  // namespace incept

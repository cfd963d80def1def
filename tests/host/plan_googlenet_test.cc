// The planner on the real network: fusion counts, streams per Inception block and the
// memory plan's quality at batch 1 and 8 with 1 and 4 streams.
#include <gtest/gtest.h>

#include <set>

#include "graph/json_io.h"
#include "graph/passes/passes.h"
#include "graph/shape_inference.h"
#include "host/engine.h"
#include "host/random_weights.h"

namespace incept {
namespace {

const std::string kTorchvision =
    std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";

struct Planned {
  Graph graph;
  Plan plan;
};

Planned PlanTorchvision(int batch, int streams) {
  Planned p;
  p.graph = LoadGraph(kTorchvision);
  WeightMap weights = RandomWeights(p.graph);
  OptimizeGraph(p.graph, weights);
  InferShapes(p.graph, Shape{batch, 3, 224, 224});
  p.plan = MakePlan(p.graph, streams);
  return p;
}

TEST(PlanGoogLeNet, EveryInceptionBlockUsesAtLeastThreeStreams) {
  Planned p = PlanTorchvision(8, 4);
  int blocks = 0;
  for (const Node& concat : p.graph.nodes) {
    if (concat.op != OpKind::kConcat) continue;
    ++blocks;
    ASSERT_TRUE(concat.elided) << concat.name;
    std::set<int> streams;
    for (const std::string& input : concat.inputs) {
      // The branch's last node writes the slice; its stream is the branch's stream.
      streams.insert(p.plan.node_stream[p.graph.IndexOf(input)]);
    }
    EXPECT_GE(streams.size(), 3u) << concat.name;
  }
  EXPECT_EQ(blocks, 9);
}

TEST(PlanGoogLeNet, OneStreamMeansNoEvents) {
  Planned p = PlanTorchvision(1, 1);
  EXPECT_EQ(p.plan.num_streams, 1);
  EXPECT_EQ(p.plan.num_events, 0);
}

TEST(PlanGoogLeNet, ArenaIsNearTheBoundAndFarBelowNaive) {
  for (int batch : {1, 8})
    for (int streams : {1, 4}) {
      Planned p = PlanTorchvision(batch, streams);
      const Plan& plan = p.plan;
      EXPECT_LE(plan.arena_bytes, 1.15 * plan.lower_bound_bytes)
          << "batch " << batch << " streams " << streams;
      EXPECT_LT(plan.arena_bytes, 0.5 * plan.naive_bytes)
          << "batch " << batch << " streams " << streams;
      std::printf("batch %d streams %d: arena %lld, lower bound %lld, naive %lld bytes\n", batch,
                  streams, static_cast<long long>(plan.arena_bytes),
                  static_cast<long long>(plan.lower_bound_bytes),
                  static_cast<long long>(plan.naive_bytes));
    }
}

}  // namespace
}  // namespace incept

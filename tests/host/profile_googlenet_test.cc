// The profile analysis on GoogLeNet's real plan: every DAG edge is a happens-before of the
// plan (StepOrder, independent of BuildPlanDag), nine Inception blocks of four branches
// forked from the previous block, and the host backend's records fed through the same
// analysis (one record per launched node, a critical path no longer than the run).
#include <gtest/gtest.h>

#include "graph/json_io.h"
#include "graph/passes/passes.h"
#include "graph/planner/step_order.h"
#include "graph/planner/views.h"
#include "graph/profile/critical_path.h"
#include "graph/profile/plan_dag.h"
#include "graph/profile/profile_report.h"
#include "graph/shape_inference.h"
#include "host/engine.h"
#include "host/random_weights.h"

namespace incept {
namespace {

const std::string kTorchvision =
    std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";

TEST(ProfileGoogLeNet, DagEdgesAreHappensBeforeAndBlocksAreFound) {
  Graph graph = LoadGraph(kTorchvision);
  WeightMap weights = RandomWeights(graph);
  OptimizeGraph(graph, weights);
  InferShapes(graph, Shape{1, 3, 224, 224});
  const Plan plan = MakePlan(graph, 4);
  const StepOrder order(graph, plan);
  const profile::PlanDag dag = profile::BuildPlanDag(graph, plan);
  EXPECT_EQ(static_cast<int>(dag.launches.size()), order.num_launches());
  int event_edges = 0;
  for (const profile::PlanEdge& e : dag.edges) {
    EXPECT_TRUE(order.HappensBefore(e.from, e.to))
        << graph.nodes[e.from].name << " -> " << graph.nodes[e.to].name;
    event_edges += e.kind == profile::EdgeKind::kEvent;
  }
  EXPECT_GT(event_edges, 0);
  // Every data dependency between launched nodes is implied by the DAG's edges: the unit
  // durations' earliest finish of a consumer exceeds its producers'.
  const profile::CriticalPath unit =
      profile::FindCriticalPath(dag, std::vector<double>(graph.nodes.size(), 1.0));
  const GraphViews views = AnalyzeViews(graph);
  for (int x : dag.launches)
    for (int p : views.inputs[x])
      if (views.launched[p]) {
        EXPECT_GT(unit.earliest_finish[x], unit.earliest_finish[p])
            << graph.nodes[p].name << " -> " << graph.nodes[x].name;
      }

  const std::vector<profile::InceptionBlock> blocks = profile::FindInceptionBlocks(graph);
  ASSERT_EQ(blocks.size(), 9u);
  for (const profile::InceptionBlock& b : blocks) {
    EXPECT_EQ(b.branches.size(), 4u) << graph.nodes[b.join].name;
    ASSERT_GE(b.fork, 0);
    for (const profile::Branch& branch : b.branches) {
      EXPECT_FALSE(branch.nodes.empty());
      EXPECT_GT(branch.nodes.front(), b.fork);  // inside the block
      EXPECT_LT(branch.nodes.back(), b.join);
    }
  }
  EXPECT_EQ(graph.nodes[blocks[0].join].name.rfind("inception3a", 0), 0u);
  EXPECT_EQ(graph.nodes[blocks[0].fork].name, "maxpool2");
}

TEST(ProfileGoogLeNet, HostRecordsFeedTheSameAnalysis) {
  Graph graph = LoadGraph(kTorchvision);
  WeightMap weights = RandomWeights(graph);
  EngineOptions options;
  options.backend = "host";
  Engine engine(graph, weights, options);
  Tensor input({1, 3, 96, 96});  // a small image: the analysis, not the speed, is tested
  for (size_t i = 0; i < input.data.size(); ++i) input.data[i] = float(i % 13) / 13.0f;
  const Engine::Prepared& prepared = engine.Prepare(Shape{1, 3, 96, 96});
  profile::ProfileInput in;
  in.graph = &prepared.graph;
  in.plan = &prepared.plan;
  for (int i = 0; i < 2; ++i) {
    std::vector<NodeTiming> timings;
    double run_us = 0;
    RunOptions run;
    run.timings = &timings;
    run.run_us = &run_us;
    engine.Run(input, run);
    in.runs.push_back(timings);
    in.run_us.push_back(run_us);
  }
  const profile::ProfileReport report = profile::AnalyzeProfile(in);
  EXPECT_EQ(report.rows.size(), report.dag.launches.size());
  for (const profile::NodeRow& row : report.rows) EXPECT_EQ(row.times.kernels, 1);
  EXPECT_GT(report.critical_path.length_us, 0);
  EXPECT_LE(report.critical_path.length_us, report.concurrency.busy_us * 1.0001);
  EXPECT_LE(report.concurrency.busy_us, report.run_us * 1.0001);
  EXPECT_EQ(report.concurrency.max_in_flight, 1);  // the host runs one node at a time
  EXPECT_EQ(report.blocks.size(), 9u);
  EXPECT_EQ(report.unmapped, 0u);
}

}  // namespace
}  // namespace incept

// The CUDA backend's tactic bookkeeping (cuda/plan_tactics.h), which needs no device: the
// kernel kind per op, conv tactics named after the policy and algorithm, the recorded
// algorithms read back (what Compile forces), algorithm names both ways.
#include "cuda/plan_tactics.h"

#include <gtest/gtest.h>

#include "graph/json_io.h"
#include "graph/planner/make_plan.h"

namespace incept::cuda {
namespace {

Graph Tiny() {
  return LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/fuzz/corpus/graph_json/elided_concat.json");
}

TEST(CudaPlanTactics, KindsPolicyAndAlgorithmsRoundTrip) {
  const Graph graph = Tiny();
  Plan plan = MakePlan(graph, 2);
  const int conv = graph.IndexOf("a");
  ASSERT_GE(conv, 0);
  ConvTactics convs;
  convs.choice = ConvChoice::kTimedAlone;
  convs.algorithms.assign(graph.nodes.size(), -1);
  convs.algorithms[conv] = 6;  // WINOGRAD
  convs.workspace_bytes.assign(graph.nodes.size(), 0);
  convs.workspace_bytes[conv] = 4096;
  convs.node_candidates.assign(graph.nodes.size(), {});
  convs.node_candidates[conv] = {{"WINOGRAD", 10, 0.01, 5}, {"GEMM", 12, 0.02, 5}};
  FillCudaTactics(graph, plan, convs);
  const Tactic& t = plan.tactics[conv];
  EXPECT_EQ(t.kind, TacticKind::kCudnnConv);
  EXPECT_EQ(t.name, "cudnn/timed-alone/WINOGRAD");
  EXPECT_EQ(t.algorithm, 6);
  EXPECT_EQ(t.workspace_bytes, 4096);
  EXPECT_EQ(t.candidates.size(), 2u);
  EXPECT_EQ(plan.tactics[graph.IndexOf("b")].kind, TacticKind::kOwnKernel);  // max pool
  EXPECT_EQ(plan.tactics[graph.IndexOf("in")].kind, TacticKind::kNone);
  EXPECT_EQ(RecordedConvChoice(plan), ConvChoice::kTimedAlone);
  const std::vector<int> algorithms = RecordedConvAlgorithms(plan);
  ASSERT_EQ(algorithms.size(), graph.nodes.size());
  EXPECT_EQ(algorithms[conv], 6);

  convs.algorithms[conv] = -1;  // a conv without a recorded algorithm: nothing forced
  FillCudaTactics(graph, plan, convs);
  EXPECT_TRUE(RecordedConvAlgorithms(plan).empty());
  EXPECT_EQ(plan.tactics[conv].name, "cudnn/timed-alone");
}

TEST(CudaPlanTactics, AlgorithmNames) {
  for (int a = 0; a < 8; ++a) EXPECT_EQ(CudnnAlgorithmFromName(CudnnAlgorithmName(a)), a);
  EXPECT_EQ(CudnnAlgorithmName(1), "IMPLICIT_PRECOMP_GEMM");
  EXPECT_EQ(CudnnAlgorithmFromName("NOT_AN_ALGORITHM"), -1);
}

}  // namespace
}  // namespace incept::cuda

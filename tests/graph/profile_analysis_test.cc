// The profile analysis (graph/profile/) on synthetic records: the plan DAG, the critical
// path and Inception block slack with exact numbers, per-node aggregation of multi-kernel
// nodes, concurrency figures, roofline classes at their thresholds, and the report.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/profile/critical_path.h"
#include "graph/profile/plan_dag.h"
#include "graph/profile/profile_report.h"
#include "graph/profile/roofline.h"
#include "graph/profile/timeline.h"

namespace incept::profile {
namespace {

Node MakeNode(const std::string& name, OpKind op, std::vector<std::string> inputs) {
  Node node;
  node.name = name;
  node.op = op;
  node.inputs = std::move(inputs);
  node.shape = {1, 8, 1, 1};
  return node;
}

// in(0) -> a(1) -> { b1(2) | r2(3) -> b2(4) | p3(5) -> b3(6) } -> cat(7) -> out(8)
Graph Block() {
  Graph g;
  g.name = "block";
  g.nodes = {
      MakeNode("in", OpKind::kInput, {}),     MakeNode("a", OpKind::kReLU, {"in"}),
      MakeNode("b1", OpKind::kReLU, {"a"}),   MakeNode("r2", OpKind::kReLU, {"a"}),
      MakeNode("b2", OpKind::kReLU, {"r2"}),  MakeNode("p3", OpKind::kReLU, {"a"}),
      MakeNode("b3", OpKind::kReLU, {"p3"}),  MakeNode("cat", OpKind::kConcat, {"b1", "b2", "b3"}),
      MakeNode("out", OpKind::kReLU, {"cat"})};
  g.outputs = {"out"};
  return g;
}

Step Launch(int node) { return {StepKind::kLaunch, node, -1}; }
Step Record(int event) { return {StepKind::kRecordEvent, -1, event}; }
Step Wait(int event) { return {StepKind::kWaitEvent, -1, event}; }

// s0: a, +e0, b1, ~e1, ~e2, cat, out;  s1: ~e0, r2, b2, +e1;  s2: ~e0, p3, b3, +e2
Plan BlockPlan() {
  Plan plan;
  plan.num_streams = 3;
  plan.num_events = 3;
  plan.streams = {{Launch(1), Record(0), Launch(2), Wait(1), Wait(2), Launch(7), Launch(8)},
                  {Wait(0), Launch(3), Launch(4), Record(1)},
                  {Wait(0), Launch(5), Launch(6), Record(2)}};
  plan.node_stream = {-1, 0, 0, 1, 1, 2, 2, 0, 0};
  plan.order = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}, {1, 3}, {2, 0},
                {2, 1}, {2, 2}, {2, 3}, {0, 3}, {0, 4}, {0, 5}, {0, 6}};
  plan.bytes_per_element = 4;
  return plan;
}

//                                    in  a   b1 r2 b2 p3 b3 cat out
const std::vector<double> kDurations = {0, 10, 5, 3, 4, 1, 2, 1, 2};

TEST(PlanDag, PredecessorsFollowStreamsAndEvents) {
  const PlanDag dag = BuildPlanDag(Block(), BlockPlan());
  EXPECT_EQ(dag.launches, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_TRUE(dag.predecessors[1].empty());
  EXPECT_EQ(dag.predecessors[2], (std::vector<int>{1}));
  EXPECT_EQ(dag.predecessors[3], (std::vector<int>{1}));
  EXPECT_EQ(dag.predecessors[4], (std::vector<int>{3}));
  EXPECT_EQ(dag.predecessors[6], (std::vector<int>{5}));
  EXPECT_EQ(dag.predecessors[7], (std::vector<int>{2, 4, 6}));
  EXPECT_EQ(dag.predecessors[8], (std::vector<int>{7}));
  int event_edges = 0;
  for (const PlanEdge& e : dag.edges)
    if (e.kind == EdgeKind::kEvent) {
      ++event_edges;
      if (e.to == 3 || e.to == 5) {
        EXPECT_EQ(e.event, 0);
      }
      if (e.to == 7) {
        EXPECT_EQ(e.event, e.from == 4 ? 1 : 2);
      }
    }
  EXPECT_EQ(event_edges, 4);  // a->r2, a->p3, b2->cat, b3->cat
}

TEST(PlanDag, AnEventRecordedAfterOnlyWaitsForwardsWhatTheyCarried) {
  // s0: a, +e0;  s1: ~e0, +e1 (nothing launched in between);  s2: ~e1, b
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}), MakeNode("a", OpKind::kReLU, {"in"}),
             MakeNode("b", OpKind::kReLU, {"a"})};
  Plan plan;
  plan.num_streams = 3;
  plan.num_events = 2;
  plan.streams = {{Launch(1), Record(0)}, {Wait(0), Record(1)}, {Wait(1), Launch(2)}};
  plan.order = {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 0}, {2, 1}};
  const PlanDag dag = BuildPlanDag(g, plan);
  EXPECT_EQ(dag.predecessors[2], (std::vector<int>{1}));
}

TEST(CriticalPath, LongestChainUnderThePlan) {
  const PlanDag dag = BuildPlanDag(Block(), BlockPlan());
  const CriticalPath path = FindCriticalPath(dag, kDurations);
  // EF: a 10, b1 15, r2 13, b2 17, p3 11, b3 13, cat 18, out 20
  EXPECT_EQ(path.nodes, (std::vector<int>{1, 3, 4, 7, 8}));
  EXPECT_DOUBLE_EQ(path.length_us, 20);
  EXPECT_DOUBLE_EQ(path.earliest_finish[2], 15);
  EXPECT_DOUBLE_EQ(path.earliest_finish[6], 13);
}

TEST(CriticalPath, StreamOrderCanBoundIt) {
  // All on one stream: the path is every launch, its length the sum.
  Plan plan;
  plan.num_streams = 1;
  plan.streams = {
      {Launch(1), Launch(2), Launch(3), Launch(4), Launch(5), Launch(6), Launch(7), Launch(8)}};
  for (int i = 0; i < 8; ++i) plan.order.push_back({0, i});
  const CriticalPath path = FindCriticalPath(BuildPlanDag(Block(), plan), kDurations);
  EXPECT_EQ(path.nodes.size(), 8u);
  EXPECT_DOUBLE_EQ(path.length_us, 28);
}

TEST(InceptionBlocks, BranchesForkAndSlack) {
  const Graph g = Block();
  const PlanDag dag = BuildPlanDag(g, BlockPlan());
  const CriticalPath path = FindCriticalPath(dag, kDurations);
  std::vector<InceptionBlock> blocks = FindInceptionBlocks(g);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].join, 7);
  EXPECT_EQ(blocks[0].fork, 1);
  ASSERT_EQ(blocks[0].branches.size(), 3u);
  EXPECT_EQ(blocks[0].branches[0].nodes, (std::vector<int>{2}));
  EXPECT_EQ(blocks[0].branches[1].nodes, (std::vector<int>{3, 4}));
  EXPECT_EQ(blocks[0].branches[2].nodes, (std::vector<int>{5, 6}));
  MeasureBlocks(g, path, kDurations, blocks);
  EXPECT_EQ(blocks[0].bounding, 1);
  EXPECT_DOUBLE_EQ(blocks[0].branches[0].work_us, 5);
  EXPECT_DOUBLE_EQ(blocks[0].branches[1].work_us, 7);
  EXPECT_DOUBLE_EQ(blocks[0].branches[2].work_us, 3);
  EXPECT_DOUBLE_EQ(blocks[0].branches[0].slack_us, 2);  // finishes at 15, the join at 17
  EXPECT_DOUBLE_EQ(blocks[0].branches[1].slack_us, 0);
  EXPECT_DOUBLE_EQ(blocks[0].branches[2].slack_us, 4);
}

TEST(InceptionBlocks, ValueReadyOfUnlaunchedNodesIsTheirInputs) {
  Graph g = Block();
  Plan plan = BlockPlan();
  // cat elided: not launched; out waits for b1, b2, b3 through it.
  plan.streams[0] = {Launch(1), Record(0), Launch(2), Wait(1), Wait(2), Launch(8)};
  plan.order = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}, {1, 3},
                {2, 0}, {2, 1}, {2, 2}, {2, 3}, {0, 3}, {0, 4}, {0, 5}};
  const PlanDag dag = BuildPlanDag(g, plan);
  const CriticalPath path = FindCriticalPath(dag, kDurations);
  const std::vector<double> ready = ValueReady(g, path, dag);
  EXPECT_DOUBLE_EQ(ready[7], 17);  // the latest branch
  EXPECT_DOUBLE_EQ(ready[0], 0);
  EXPECT_DOUBLE_EQ(path.length_us, 19);
}

NodeTiming Record(int node, int stream, double start, double duration, std::string kernel = "",
                  int device_stream = -1) {
  NodeTiming t;
  t.node = node;
  t.stream = stream;
  t.start_us = start;
  t.duration_us = duration;
  t.kernel = std::move(kernel);
  t.device_stream = device_stream;
  return t;
}

TEST(Timeline, AMultiKernelNodeGetsAllItsKernels) {
  // Node 1 launches two kernels with a gap; node 2 one; one record unmapped. Three runs.
  std::vector<std::vector<NodeTiming>> runs;
  for (double scale : {1.0, 2.0, 1.5})
    runs.push_back({Record(1, 0, 0, 2 * scale, "gemm"), Record(1, 0, 3 * scale, 2 * scale, "bias"),
                    Record(2, 1, 1, 4 * scale, "pool"), Record(-1, 0, 9, 1, "stray")});
  const std::vector<NodeTimes> nodes = AggregateNodeTimes(runs, 3);
  EXPECT_EQ(nodes[0].runs, 0);
  EXPECT_EQ(nodes[1].runs, 3);
  EXPECT_EQ(nodes[1].kernels, 2);
  EXPECT_DOUBLE_EQ(nodes[1].span_us, 7.5);    // spans 5, 10, 7.5
  EXPECT_DOUBLE_EQ(nodes[1].kernel_us, 6.0);  // sums 4, 8, 6
  EXPECT_EQ(nodes[1].kernel_names, (std::vector<std::string>{"gemm", "bias"}));
  EXPECT_DOUBLE_EQ(nodes[2].span_us, 6.0);
  EXPECT_DOUBLE_EQ(nodes[2].first_start_us, 1.0);
  EXPECT_EQ(CountUnmapped(runs[0]), 1u);
}

TEST(Timeline, ConcurrencyBusyGapsAndInFlight) {
  // [0,4) and [1,3) overlap, a hole, then [6,8) and [8,9) back to back; wall 10.
  const std::vector<NodeTiming> run = {Record(1, 0, 0, 4), Record(2, 1, 1, 2), Record(3, 0, 6, 2),
                                       Record(4, 0, 8, 1)};
  const Concurrency c = MeasureConcurrency(run, 10);
  EXPECT_DOUBLE_EQ(c.span_us, 9);
  EXPECT_DOUBLE_EQ(c.busy_us, 7);
  EXPECT_DOUBLE_EQ(c.kernel_us, 9);
  EXPECT_DOUBLE_EQ(c.mean_in_flight_busy, 9.0 / 7.0);
  EXPECT_DOUBLE_EQ(c.mean_in_flight_wall, 0.9);
  EXPECT_EQ(c.max_in_flight, 2);
  EXPECT_EQ(c.gaps, 1);
  EXPECT_DOUBLE_EQ(c.gap_us, 2);
  EXPECT_DOUBLE_EQ(c.longest_gap_us, 2);
  const std::vector<std::pair<double, int>> steps = {{0, 1}, {1, 2}, {3, 1},
                                                     {4, 0}, {6, 1}, {9, 0}};
  EXPECT_EQ(c.in_flight, steps);
}

TEST(Roofline, ClassesAtTheirThresholds) {
  DeviceCeilings ceilings;
  ceilings.flops_per_second = 1000;  // ridge: 10 FLOP/byte
  ceilings.bytes_per_second = 100;
  const NodeCost dense{1000, 10};                                        // I = 100, above the ridge
  const NodeCost sparse{10, 100};                                        // I = 0.1, below
  EXPECT_EQ(ClassifyNode(dense, 2, ceilings).bound, BoundBy::kCompute);  // 50% of peak
  EXPECT_EQ(ClassifyNode(sparse, 2, ceilings).bound, BoundBy::kMemory);  // 50 B/s: 50%
  EXPECT_EQ(ClassifyNode(dense, 11, ceilings).bound, BoundBy::kLatency);  // 9.1% of peak
  EXPECT_EQ(ClassifyNode(dense, 9, ceilings).bound, BoundBy::kCompute);   // 11.1%
  EXPECT_EQ(ClassifyNode(sparse, 11, ceilings).bound, BoundBy::kLatency);
  EXPECT_EQ(ClassifyNode(NodeCost{0, 100}, 2, ceilings).bound, BoundBy::kMemory);
  EXPECT_EQ(ClassifyNode(dense, 2, DeviceCeilings{}).bound, BoundBy::kUnknown);
  const Roofline r = ClassifyNode(dense, 2, ceilings);
  EXPECT_DOUBLE_EQ(r.flops_per_second, 500);
  EXPECT_DOUBLE_EQ(r.bytes_per_second, 5);
  EXPECT_DOUBLE_EQ(r.intensity, 100);
  EXPECT_DOUBLE_EQ(r.efficiency, 0.5);
  EXPECT_STREQ(BoundByName(BoundBy::kLatency), "latency");
}

TEST(Roofline, ConvCostFromTheOpTable) {
  Graph g;
  Node in = MakeNode("in", OpKind::kInput, {});
  in.shape = {2, 16, 8, 8};
  Node conv = MakeNode("conv", OpKind::kConv2d, {"in"});
  Conv2dAttrs attrs;
  attrs.in_channels = 16;
  attrs.out_channels = 32;
  attrs.has_bias = true;
  conv.attrs = attrs;
  conv.params = {{"weight", "w"}, {"bias", "b"}};
  conv.shape = {2, 32, 8, 8};
  g.nodes = {in, conv};
  const NodeCost cost = ComputeNodeCost(g, 1, 4);
  // 2 * (N*K*P*Q) * (C*R*S) = 2 * (2*32*8*8) * 16
  EXPECT_DOUBLE_EQ(cost.flops, 2.0 * 2 * 32 * 64 * 16);
  // (input 2*16*64 + output 2*32*64 + weight 32*16 + bias 32) * 4 bytes
  EXPECT_DOUBLE_EQ(cost.bytes, (2 * 16 * 64 + 2 * 32 * 64 + 32 * 16 + 32) * 4.0);
  EXPECT_DOUBLE_EQ(ComputeNodeCost(g, 0, 4).flops, 0);
}

TEST(ProfileReport, FromRecordsToTableJsonAndDiff) {
  const Graph g = Block();
  const Plan plan = BlockPlan();
  ProfileInput input;
  input.graph = &g;
  input.plan = &plan;
  input.ceilings.flops_per_second = 1e12;
  input.ceilings.bytes_per_second = 1e11;
  // One record per node at its EF-model start, durations kDurations, two identical runs.
  const PlanDag dag = BuildPlanDag(g, plan);
  const CriticalPath model = FindCriticalPath(dag, kDurations);
  std::vector<NodeTiming> run;
  for (int x : dag.launches)
    run.push_back(Record(x, plan.node_stream[x], model.earliest_finish[x] - kDurations[x],
                         kDurations[x], "k" + std::to_string(x), 7 + plan.node_stream[x]));
  input.runs = {run, run};
  input.run_us = {21, 23};
  const ProfileReport report = AnalyzeProfile(input);
  EXPECT_DOUBLE_EQ(report.run_us, 22);
  EXPECT_DOUBLE_EQ(report.critical_path.length_us, 20);
  ASSERT_EQ(report.rows.size(), 8u);
  EXPECT_EQ(report.rows[0].times.node, 1);  // a, the slowest
  EXPECT_TRUE(report.rows[0].critical);
  ASSERT_EQ(report.blocks.size(), 1u);
  EXPECT_DOUBLE_EQ(report.blocks[0].time_us, 7);  // b2 finishes at 17, a at 10
  EXPECT_EQ(report.unmapped, 0u);

  const nlohmann::json j = ReportToJson(g, report);
  EXPECT_EQ(j["nodes"].size(), 8u);
  EXPECT_EQ(j["nodes"][0]["name"], "a");
  EXPECT_EQ(j["nodes"][0]["kernel_names"][0], "k1");
  EXPECT_DOUBLE_EQ(j["critical_path_us"].get<double>(), 20);
  EXPECT_EQ(j["critical_path"].size(), 5u);
  EXPECT_EQ(j["blocks"][0]["bounding_branch"], "b2");
  EXPECT_DOUBLE_EQ(j["blocks"][0]["branches"][2]["slack_us"].get<double>(), 4);
  EXPECT_DOUBLE_EQ(j["concurrency"]["busy_us"].get<double>(), 20);

  const std::string text = ReportToText(g, report, 3);
  EXPECT_NE(text.find("critical path: 0.020 ms over 5 nodes"), std::string::npos) << text;
  EXPECT_NE(text.find("cat 0.007: bound by b2"), std::string::npos) << text;
  EXPECT_EQ(text.find("    k1\n"), std::string::npos);
  EXPECT_NE(ReportToText(g, report, 3, true).find("    k1\n"), std::string::npos);

  // The plan's tactics reach the rows: name in the table, candidates with --tactics, and
  // all of it in the JSON.
  ProfileInput with_tactics = input;
  Plan tactic_plan = plan;
  AssignUniformTactics(g, tactic_plan, TacticKind::kOwnKernel, "own/k");
  tactic_plan.tactics[1].name = "cudnn/GEMM";
  tactic_plan.tactics[1].candidates = {{"cudnn/GEMM", 5.0, 0.02, 7}, {"cudnn/FFT", 9.5, 0.1, 7}};
  with_tactics.plan = &tactic_plan;
  const ProfileReport tactic_report = AnalyzeProfile(with_tactics);
  EXPECT_EQ(tactic_report.rows[0].tactic.name, "cudnn/GEMM");
  const std::string tactic_text = ReportToText(g, tactic_report, 3, false, true);
  EXPECT_NE(tactic_text.find("cudnn/GEMM"), std::string::npos) << tactic_text;
  EXPECT_NE(tactic_text.find("    candidate cudnn/FFT 9.5 us, spread 10.0%, 7 samples"),
            std::string::npos)
      << tactic_text;
  EXPECT_NE(tactic_text.find("    candidate cudnn/GEMM (chosen) 5.0 us"), std::string::npos);
  EXPECT_EQ(ReportToText(g, tactic_report, 3).find("    candidate"), std::string::npos);
  const nlohmann::json tj = ReportToJson(g, tactic_report);
  EXPECT_EQ(tj["nodes"][0]["tactic"]["name"], "cudnn/GEMM");
  EXPECT_EQ(tj["nodes"][0]["tactic"]["kind"], "own_kernel");
  EXPECT_DOUBLE_EQ(tj["nodes"][0]["tactic"]["candidates"][1]["median_us"].get<double>(), 9.5);
  EXPECT_TRUE(j["nodes"][0]["tactic"].is_null());  // the plan without tactics

  // Against a "baseline" where b2 took 1 us longer.
  ProfileInput slower = input;
  for (auto& r : slower.runs)
    for (NodeTiming& t : r)
      if (t.node == 4) t.duration_us += 1;
  const ProfileReport base = AnalyzeProfile(slower);
  const nlohmann::json diff = DiffToJson(g, report, g, base);
  EXPECT_DOUBLE_EQ(diff["blocks"][0]["diff_us"].get<double>(), -1);
  EXPECT_EQ(diff["baseline_only_nodes"], 0);
  bool found = false;
  for (const auto& n : diff["nodes"])
    if (n["name"] == "b2") {
      found = true;
      EXPECT_DOUBLE_EQ(n["diff_us"].get<double>(), -1);
    }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace incept::profile

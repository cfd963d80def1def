// Stream scheduling: exact step lists on tiny graphs (chain, diamond, Inception-like
// block with 4, 2 and 1 streams), redundant waits dropped, the start fork and final join.
#include "graph/planner/schedule.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/planner/plan.h"
#include "graph/planner/plan_dot.h"
#include "graph/planner/step_order.h"

namespace incept {
namespace {

// A node with a hand-set shape (1 x channels x 1 x 1): scheduling needs no inference.
Node MakeNode(const std::string& name, OpKind op, std::vector<std::string> inputs,
              int64_t channels = 8) {
  Node node;
  node.name = name;
  node.op = op;
  node.inputs = std::move(inputs);
  node.shape = {1, channels, 1, 1};
  return node;
}

Graph Chain() {
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}), MakeNode("a", OpKind::kConv2d, {"in"}),
             MakeNode("b", OpKind::kReLU, {"a"}), MakeNode("c", OpKind::kConv2d, {"b"})};
  g.outputs = {"c"};
  return g;
}

// in -> a -> {b, c} -> d
Graph Diamond() {
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}), MakeNode("a", OpKind::kConv2d, {"in"}),
             MakeNode("b", OpKind::kConv2d, {"a"}), MakeNode("c", OpKind::kConv2d, {"a"}),
             MakeNode("d", OpKind::kAdd, {"b", "c"})};
  g.outputs = {"d"};
  return g;
}

// stem -> {b1 | b2r -> b2 | b3r -> b3 | b4p -> b4} -> cat -> pool
Graph InceptionBlock(bool elide_concat) {
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 16),
             MakeNode("stem", OpKind::kConv2d, {"in"}, 32),
             MakeNode("b1", OpKind::kConv2d, {"stem"}, 8),
             MakeNode("b2r", OpKind::kConv2d, {"stem"}, 8),
             MakeNode("b2", OpKind::kConv2d, {"b2r"}, 16),
             MakeNode("b3r", OpKind::kConv2d, {"stem"}, 4),
             MakeNode("b3", OpKind::kConv2d, {"b3r"}, 8),
             MakeNode("b4p", OpKind::kMaxPool, {"stem"}, 32),
             MakeNode("b4", OpKind::kConv2d, {"b4p"}, 8),
             MakeNode("cat", OpKind::kConcat, {"b1", "b2", "b3", "b4"}, 40),
             MakeNode("pool", OpKind::kMaxPool, {"cat"}, 40)};
  if (elide_concat) {
    g.at("cat").elided = true;
    g.at("b1").output_slice = ConcatSlice{"cat", 0};
    g.at("b2").output_slice = ConcatSlice{"cat", 8};
    g.at("b3").output_slice = ConcatSlice{"cat", 24};
    g.at("b4").output_slice = ConcatSlice{"cat", 32};
  }
  g.outputs = {"pool"};
  return g;
}

// The step lists only (PlanToString before memory planning).
std::string Steps(const Graph& g, int max_streams) {
  return PlanToString(g, ScheduleStreams(g, max_streams));
}

TEST(ScheduleTest, ChainIsOneStreamWithoutEvents) {
  const Graph g = Chain();
  const Plan plan = ScheduleStreams(g, 4);
  EXPECT_EQ(Steps(g, 4),
            "plan: 1 stream, 0 events\n"
            "stream 0: launch a, launch b, launch c\n");
  EXPECT_EQ(plan.node_stream, (std::vector<int>{-1, 0, 0, 0}));
  ASSERT_EQ(plan.order.size(), 3u);
  EXPECT_EQ(plan.order[2], (StepRef{0, 2}));
}

TEST(ScheduleTest, DiamondForksAndJoins) {
  const Graph g = Diamond();
  const Plan plan = ScheduleStreams(g, 4);
  // Fork: a records e0, stream 1 waits on it. Join: c records e1, stream 0 waits on it.
  ASSERT_EQ(plan.num_streams, 2);
  EXPECT_EQ(plan.num_events, 2);
  using K = StepKind;
  EXPECT_EQ(plan.streams[0], (std::vector<Step>{{K::kLaunch, 1, -1},
                                                {K::kRecordEvent, -1, 0},
                                                {K::kLaunch, 2, -1},
                                                {K::kWaitEvent, -1, 1},
                                                {K::kLaunch, 4, -1}}));
  EXPECT_EQ(
      plan.streams[1],
      (std::vector<Step>{{K::kWaitEvent, -1, 0}, {K::kLaunch, 3, -1}, {K::kRecordEvent, -1, 1}}));
  EXPECT_EQ(Steps(g, 4),
            "plan: 2 streams, 2 events\n"
            "stream 0: launch a, record e0, launch b, wait e1, launch d\n"
            "stream 1: wait e0, launch c, record e1\n");
}

TEST(ScheduleTest, InceptionBlockGetsOneStreamPerBranch) {
  EXPECT_EQ(Steps(InceptionBlock(false), 4),
            "plan: 4 streams, 4 events\n"
            "stream 0: launch stem, record e0, launch b1, wait e1, wait e2, wait e3, "
            "launch cat, launch pool\n"
            "stream 1: wait e0, launch b2r, launch b2, record e1\n"
            "stream 2: wait e0, launch b3r, launch b3, record e2\n"
            "stream 3: wait e0, launch b4p, launch b4, record e3\n");
  // More streams allowed than branches: still 4.
  EXPECT_EQ(ScheduleStreams(InceptionBlock(false), 8).num_streams, 4);
}

TEST(ScheduleTest, ElidedConcatIsNotLaunchedAndTheConsumerJoins) {
  const Graph g = InceptionBlock(true);
  EXPECT_EQ(Steps(g, 4),
            "plan: 4 streams, 4 events\n"
            "stream 0: launch stem, record e0, launch b1, wait e1, wait e2, wait e3, "
            "launch pool\n"
            "stream 1: wait e0, launch b2r, launch b2, record e1\n"
            "stream 2: wait e0, launch b3r, launch b3, record e2\n"
            "stream 3: wait e0, launch b4p, launch b4, record e3\n");
  EXPECT_EQ(ScheduleStreams(g, 4).node_stream[g.IndexOf("cat")], -1);
}

TEST(ScheduleTest, InceptionBlockOnTwoStreams) {
  // b3r takes the least recently used stream (0, which already ran stem: no wait); b4p
  // takes stream 1, which already knows stem through e0: no wait either.
  EXPECT_EQ(Steps(InceptionBlock(false), 2),
            "plan: 2 streams, 2 events\n"
            "stream 0: launch stem, record e0, launch b1, launch b3r, launch b3, wait e1, "
            "launch cat, launch pool\n"
            "stream 1: wait e0, launch b2r, launch b2, launch b4p, launch b4, record e1\n");
}

TEST(ScheduleTest, OneStreamIsSequentialWithoutEvents) {
  const Plan plan = ScheduleStreams(InceptionBlock(false), 1);
  EXPECT_EQ(plan.num_streams, 1);
  EXPECT_EQ(plan.num_events, 0);
  EXPECT_EQ(PlanToString(InceptionBlock(false), plan),
            "plan: 1 stream, 0 events\n"
            "stream 0: launch stem, launch b1, launch b2r, launch b2, launch b3r, launch b3, "
            "launch b4p, launch b4, launch cat, launch pool\n");
}

TEST(ScheduleTest, NoWaitWhenTheStreamAlreadyKnows) {
  // q (stream 2) waited on p's event, so j (stream 2, reads p and q) needs no wait on p.
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}),
             MakeNode("a", OpKind::kConv2d, {"in"}),
             MakeNode("b", OpKind::kConv2d, {"a"}),
             MakeNode("p", OpKind::kConv2d, {"a"}),
             MakeNode("p2", OpKind::kConv2d, {"p"}),
             MakeNode("q", OpKind::kConv2d, {"p"}),
             MakeNode("j", OpKind::kAdd, {"p", "q"}),
             MakeNode("k", OpKind::kConcat, {"b", "p2", "j"}, 24)};
  g.outputs = {"k"};
  EXPECT_EQ(Steps(g, 4),
            "plan: 3 streams, 4 events\n"
            "stream 0: launch a, record e0, launch b, wait e2, wait e3, launch k\n"
            "stream 1: wait e0, launch p, record e1, launch p2, record e2\n"
            "stream 2: wait e1, launch q, launch j, record e3\n");
}

TEST(ScheduleTest, WaitImpliedByAnotherWaitIsDropped) {
  // k reads p (stream 1) and j (stream 2); j's event already implies p, so k waits once.
  // p2 is an output: stream 0 joins stream 1 at the end.
  Graph g;
  g.nodes = {
      MakeNode("in", OpKind::kInput, {}),      MakeNode("a", OpKind::kConv2d, {"in"}),
      MakeNode("b", OpKind::kConv2d, {"a"}),   MakeNode("p", OpKind::kConv2d, {"a"}),
      MakeNode("p2", OpKind::kConv2d, {"p"}),  MakeNode("q", OpKind::kConv2d, {"p"}),
      MakeNode("j", OpKind::kAdd, {"p", "q"}), MakeNode("k", OpKind::kConcat, {"b", "p", "j"}, 24)};
  g.outputs = {"k", "p2"};
  EXPECT_EQ(Steps(g, 4),
            "plan: 3 streams, 4 events\n"
            "stream 0: launch a, record e0, launch b, wait e3, launch k, wait e2\n"
            "stream 1: wait e0, launch p, record e1, launch p2, record e2\n"
            "stream 2: wait e1, launch q, launch j, record e3\n");
}

TEST(ScheduleTest, ForkAtTheInputRecordsAtTheStart) {
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}), MakeNode("a", OpKind::kConv2d, {"in"}),
             MakeNode("b", OpKind::kConv2d, {"in"}), MakeNode("c", OpKind::kAdd, {"a", "b"})};
  g.outputs = {"c"};
  EXPECT_EQ(Steps(g, 4),
            "plan: 2 streams, 2 events\n"
            "stream 0: record e0, launch a, wait e1, launch c\n"
            "stream 1: wait e0, launch b, record e1\n");
}

TEST(ScheduleTest, UnjoinedOutputIsJoinedAtTheEnd) {
  Graph g = Diamond();
  g.nodes.pop_back();
  g.outputs = {"b", "c"};
  EXPECT_EQ(Steps(g, 4),
            "plan: 2 streams, 2 events\n"
            "stream 0: launch a, record e0, launch b, wait e1\n"
            "stream 1: wait e0, launch c, record e1\n");
}

TEST(ScheduleTest, AliasesAreNotLaunched) {
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}), MakeNode("a", OpKind::kConv2d, {"in"}),
             MakeNode("drop", OpKind::kDropout, {"a"}), MakeNode("b", OpKind::kConv2d, {"drop"})};
  g.outputs = {"b"};
  EXPECT_EQ(Steps(g, 2),
            "plan: 1 stream, 0 events\n"
            "stream 0: launch a, launch b\n");
}

TEST(ScheduleTest, Deterministic) {
  const Graph g = InceptionBlock(true);
  EXPECT_EQ(Steps(g, 3), Steps(g, 3));
}

TEST(ScheduleTest, Errors) {
  EXPECT_THROW(ScheduleStreams(Chain(), 0), Error);
  Graph g = InceptionBlock(true);
  g.at("b4").output_slice.reset();  // an elided concat input that writes elsewhere
  EXPECT_THROW(ScheduleStreams(g, 4), Error);
  Graph unshaped = Chain();
  unshaped.nodes[2].shape = {};
  EXPECT_THROW(ScheduleStreams(unshaped, 4), Error);
}

int Count(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

TEST(PlanDotTest, NodesColouredByStreamEdgesAreDataDependencies) {
  Graph g = Diamond();
  g.name = "diamond";
  const std::string dot = PlanToDot(g, ScheduleStreams(g, 4));
  EXPECT_EQ(dot.rfind("digraph \"diamond\" {\n", 0), 0u) << dot;
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
  EXPECT_EQ(Count(dot, " -> "), 5);  // in->a, a->b, a->c, b->d, c->d
  EXPECT_EQ(Count(dot, "n0 -> n1;"), 1);
  EXPECT_EQ(Count(dot, "n3 -> n4;"), 1);
  EXPECT_EQ(Count(dot, "[label="), 5);
  EXPECT_EQ(Count(dot, std::string("fillcolor=\"") + StreamColor(0)), 3);  // a, b, d
  EXPECT_EQ(Count(dot, std::string("fillcolor=\"") + StreamColor(1)), 1);  // c
  EXPECT_EQ(Count(dot, "not launched"), 1);                                // in
  EXPECT_NE(dot.find("n3 [label=\"c\\nConv2d\\nstream 1\""), std::string::npos) << dot;
}

TEST(StepOrderTest, HappensBeforeFollowsEventsNotProgramOrder) {
  const Graph g = Diamond();
  const Plan plan = ScheduleStreams(g, 4);
  const StepOrder order(g, plan);
  const int a = 1, b = 2, c = 3, d = 4;
  EXPECT_TRUE(order.HappensBefore(a, b));
  EXPECT_TRUE(order.HappensBefore(a, c));
  EXPECT_FALSE(order.HappensBefore(b, c));
  EXPECT_FALSE(order.HappensBefore(c, b));
  EXPECT_TRUE(order.HappensBefore(c, d));
  EXPECT_TRUE(order.HappensBefore(kPlanStart, c));
  EXPECT_TRUE(order.HappensBefore(c, kPlanEnd));
  EXPECT_FALSE(order.HappensBefore(kPlanEnd, c));
  EXPECT_FALSE(order.HappensBefore(d, d));
}

TEST(StepOrderTest, RejectsBrokenPlans) {
  const Graph g = Diamond();
  Plan deadlock = ScheduleStreams(g, 4);
  deadlock.order.clear();
  deadlock.streams[0][1].kind = StepKind::kWaitEvent;  // e0 is never recorded
  EXPECT_THROW(StepOrder(g, deadlock), Error);
  Plan twice = ScheduleStreams(g, 4);
  twice.streams[1][1] = {StepKind::kLaunch, 1, -1};  // a launched twice
  EXPECT_THROW(StepOrder(g, twice), Error);
}

}  // namespace
}  // namespace incept

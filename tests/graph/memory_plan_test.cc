// Memory planning: exact offsets on tiny graphs (each with its alloc/free order, "+x"
// allocates x, "-x" frees it, in the plan's step order), the multi-stream sharing rule,
// concat slices, aliases, workspaces, outputs kept to the end, and CheckNoOverlap.
#include "graph/planner/memory_plan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/passes/passes.h"
#include "graph/planner/plan.h"
#include "graph/planner/plan_dot.h"
#include "graph/planner/plan_svg.h"
#include "graph/planner/schedule.h"
#include "graph/shape_inference.h"
#include "model_zoo/googlenet.h"

namespace incept {
namespace {

// A node of shape 1 x channels x h x w (4 B per element: channels * h * w * 4 bytes).
Node MakeNode(const std::string& name, OpKind op, std::vector<std::string> inputs, int64_t channels,
              int64_t hw = 1) {
  Node node;
  node.name = name;
  node.op = op;
  node.inputs = std::move(inputs);
  node.shape = {1, channels, hw, hw};
  return node;
}

Plan PlanFor(const Graph& g, int max_streams, int64_t alignment = 256,
             const std::vector<int64_t>& workspaces = {}) {
  Plan plan = ScheduleStreams(g, max_streams);
  PlanMemory(g, plan, 4, alignment, workspaces);
  CheckNoOverlap(g, plan);
  return plan;
}

int64_t OffsetOf(const Graph& g, const Plan& plan, const std::string& name) {
  return plan.values[g.IndexOf(name)].offset;
}

bool Overlap(const Graph& g, const Plan& plan, const std::string& x, const std::string& y) {
  const ValuePlacement& a = plan.values[g.IndexOf(x)];
  const ValuePlacement& b = plan.values[g.IndexOf(y)];
  return a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
}

TEST(MemoryPlanTest, Chain) {
  // in 256 B -> a 512 B -> b 256 B -> c 512 B (output)
  // +in +a -in +b -a +c -b (c stays to the end)
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 64), MakeNode("a", OpKind::kConv2d, {"in"}, 128),
             MakeNode("b", OpKind::kConv2d, {"a"}, 64), MakeNode("c", OpKind::kConv2d, {"b"}, 128)};
  g.outputs = {"c"};
  const Plan plan = PlanFor(g, 1);
  // Largest first: a at 0; c at 0 (a is dead before c); in after a; b after a and c.
  EXPECT_EQ(PlanToString(g, plan),
            "plan: 1 stream, 0 events\n"
            "stream 0: launch a, launch b, launch c\n"
            "memory: arena 768 B, lower bound 768 B, naive 1536 B (4 B per element, "
            "alignment 256)\n"
            "  in: buffer, offset 512, 256 B\n"
            "  a: buffer, offset 0, 512 B\n"
            "  b: buffer, offset 512, 256 B\n"
            "  c: buffer, offset 0, 512 B\n");
}

// in -> a -> {b -> d (stream 0) | c -> e (stream 1)} -> f; node order in a b d c e f.
Graph TwoBranches() {
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 64),     MakeNode("a", OpKind::kConv2d, {"in"}, 64),
             MakeNode("b", OpKind::kConv2d, {"a"}, 128), MakeNode("d", OpKind::kConv2d, {"b"}, 64),
             MakeNode("c", OpKind::kConv2d, {"a"}, 64),  MakeNode("e", OpKind::kConv2d, {"c"}, 128),
             MakeNode("f", OpKind::kAdd, {"d", "e"}, 64)};
  g.outputs = {"f"};
  return g;
}

TEST(MemoryPlanTest, ConcurrentBranchesDoNotShareThoughProgramOrderWould) {
  const Graph g = TwoBranches();
  // One stream, program order a b d c e f: b (512 B) is dead when e (512 B) is written,
  // +in +a -in +b +d -b +c -a +e -c +f -d -e: b and e share offset 0.
  const Plan sequential = PlanFor(g, 1);
  EXPECT_TRUE(Overlap(g, sequential, "b", "e"));
  EXPECT_EQ(OffsetOf(g, sequential, "b"), 0);
  EXPECT_EQ(OffsetOf(g, sequential, "e"), 0);
  EXPECT_EQ(sequential.arena_bytes, 1280);
  // Greedy by size is not optimal here: at most 1024 B are live at once (a b d).
  EXPECT_EQ(sequential.lower_bound_bytes, 1024);

  // Two streams: b, d on stream 0 and c, e on stream 1 run concurrently; d (b's reader)
  // does not happen before e's launch, so b and e must not share. a is read by c on
  // stream 1, so a conflicts with d too. {a, b, c, d, e} pairwise conflict: 1792 B.
  const Plan streams = PlanFor(g, 2);
  EXPECT_EQ(PlanToString(g, streams),
            "plan: 2 streams, 2 events\n"
            "stream 0: launch a, record e0, launch b, launch d, wait e1, launch f\n"
            "stream 1: wait e0, launch c, launch e, record e1\n"
            "memory: arena 1792 B, lower bound 1792 B, naive 2304 B (4 B per element, "
            "alignment 256)\n"
            "  in: buffer, offset 0, 256 B\n"
            "  a: buffer, offset 1024, 256 B\n"
            "  b: buffer, offset 0, 512 B\n"
            "  d: buffer, offset 1280, 256 B\n"
            "  c: buffer, offset 1536, 256 B\n"
            "  e: buffer, offset 512, 512 B\n"
            "  f: buffer, offset 1024, 256 B\n");
  EXPECT_FALSE(Overlap(g, streams, "b", "e"));
}

TEST(MemoryPlanTest, WorkspaceLivesOnlyDuringItsNode) {
  // in 256 -> a 256 -> b 256 (output), b asks for a 512 B workspace.
  // +in +a -in +ws(b) +b -a -ws(b) (b stays): the workspace reuses nothing live at b.
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 64), MakeNode("a", OpKind::kConv2d, {"in"}, 64),
             MakeNode("b", OpKind::kConv2d, {"a"}, 64)};
  g.outputs = {"b"};
  const Plan plan = PlanFor(g, 1, 256, {0, 0, 512});
  EXPECT_EQ(PlanToString(g, plan),
            "plan: 1 stream, 0 events\n"
            "stream 0: launch a, launch b\n"
            "memory: arena 1024 B, lower bound 1024 B, naive 1280 B (4 B per element, "
            "alignment 256)\n"
            "  in: buffer, offset 0, 256 B\n"
            "  a: buffer, offset 512, 256 B\n"
            "  b: buffer, offset 768, 256 B\n"
            "  workspace of b: offset 0, 512 B\n");
  // A workspace on a node that is not launched is refused.
  Plan again = ScheduleStreams(g, 1);
  EXPECT_THROW(PlanMemory(g, again, 4, 256, {512, 0, 0}), Error);
  EXPECT_THROW(PlanMemory(g, again, 4, 256, {0, 0}), Error);
}

TEST(MemoryPlanTest, AliasSharesItsInputsBytesAndExtendsItsLife) {
  // in -> a -> drop (alias of a) -> b. +in +a -in +b -a(drop) (b stays): b reuses in.
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 64), MakeNode("a", OpKind::kConv2d, {"in"}, 64),
             MakeNode("drop", OpKind::kDropout, {"a"}, 64),
             MakeNode("b", OpKind::kConv2d, {"drop"}, 64)};
  g.outputs = {"b"};
  const Plan plan = PlanFor(g, 1);
  EXPECT_EQ(PlanToString(g, plan),
            "plan: 1 stream, 0 events\n"
            "stream 0: launch a, launch b\n"
            "memory: arena 512 B, lower bound 512 B, naive 768 B (4 B per element, "
            "alignment 256)\n"
            "  in: buffer, offset 0, 256 B\n"
            "  a: buffer, offset 256, 256 B\n"
            "  drop: alias of a, offset 256, 256 B\n"
            "  b: buffer, offset 0, 256 B\n");
}

TEST(MemoryPlanTest, OutputsStayLiveToTheEnd) {
  // in -> a -> b -> c, all 256 B.
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 64), MakeNode("a", OpKind::kConv2d, {"in"}, 64),
             MakeNode("b", OpKind::kConv2d, {"a"}, 64), MakeNode("c", OpKind::kConv2d, {"b"}, 64)};
  // Only c is an output: +in +a -in +b -a +c -b; c reuses a's bytes.
  g.outputs = {"c"};
  const Plan one = PlanFor(g, 1);
  EXPECT_EQ(OffsetOf(g, one, "a"), 256);
  EXPECT_EQ(OffsetOf(g, one, "c"), 256);
  EXPECT_EQ(one.arena_bytes, 512);
  // a is an output too: +in +a -in +b +c -b (a, c stay); c cannot reuse a.
  g.outputs = {"c", "a"};
  const Plan two = PlanFor(g, 1);
  EXPECT_EQ(OffsetOf(g, two, "in"), 0);
  EXPECT_EQ(OffsetOf(g, two, "a"), 256);
  EXPECT_EQ(OffsetOf(g, two, "b"), 0);
  EXPECT_EQ(OffsetOf(g, two, "c"), 512);
  EXPECT_EQ(two.arena_bytes, 768);
  EXPECT_EQ(two.lower_bound_bytes, 768);
}

// stem -> {b1 | b2r -> b2 | b3r -> b3 | b4p -> b4} -> cat -> pool, 2x2 planes, concat
// elided: b1, b2, b3, b4 write channels [0,8) [8,24) [24,32) [32,40) of cat.
Graph InceptionBlock() {
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 16, 2),
             MakeNode("stem", OpKind::kConv2d, {"in"}, 32, 2),
             MakeNode("b1", OpKind::kConv2d, {"stem"}, 8, 2),
             MakeNode("b2r", OpKind::kConv2d, {"stem"}, 8, 2),
             MakeNode("b2", OpKind::kConv2d, {"b2r"}, 16, 2),
             MakeNode("b3r", OpKind::kConv2d, {"stem"}, 4, 2),
             MakeNode("b3", OpKind::kConv2d, {"b3r"}, 8, 2),
             MakeNode("b4p", OpKind::kMaxPool, {"stem"}, 32, 2),
             MakeNode("b4", OpKind::kConv2d, {"b4p"}, 8, 2),
             MakeNode("cat", OpKind::kConcat, {"b1", "b2", "b3", "b4"}, 40, 2),
             MakeNode("pool", OpKind::kMaxPool, {"cat"}, 40, 1)};
  g.at("cat").elided = true;
  g.at("b1").output_slice = ConcatSlice{"cat", 0};
  g.at("b2").output_slice = ConcatSlice{"cat", 8};
  g.at("b3").output_slice = ConcatSlice{"cat", 24};
  g.at("b4").output_slice = ConcatSlice{"cat", 32};
  g.outputs = {"pool"};
  return g;
}

TEST(MemoryPlanTest, InceptionBlockConcatSlicesAreViews) {
  const Graph g = InceptionBlock();
  // Sizes: in 256, stem 512, b2r 128, b3r 64, b4p 512, cat 640 (b1 128, b2 256, b3 128,
  // b4 128 inside it), pool 160. 4 streams: stem, then the branches concurrently; cat is
  // written from the first branch write to pool; pool reads it.
  // In plan order: +in +stem -in +cat(b1) +b2r(b2) -b2r +b3r(b3) -b3r +b4p -stem (b4)
  // -b4p +pool -cat, but the branches run concurrently: stem (read by all four branch
  // heads), b2r, b3r, b4p and cat pairwise conflict (1856 B); in only conflicts with stem
  // and pool only with cat. Largest first: cat 0, stem 640, b4p 1152, in 0 (the gap
  // before stem), pool 640, b2r 1664, b3r 1792.
  const Plan plan = PlanFor(g, 4, 64);
  EXPECT_EQ(PlanToString(g, plan),
            "plan: 4 streams, 4 events\n"
            "stream 0: launch stem, record e0, launch b1, wait e1, wait e2, wait e3, "
            "launch pool\n"
            "stream 1: wait e0, launch b2r, launch b2, record e1\n"
            "stream 2: wait e0, launch b3r, launch b3, record e2\n"
            "stream 3: wait e0, launch b4p, launch b4, record e3\n"
            "memory: arena 1856 B, lower bound 1856 B, naive 2272 B (4 B per element, "
            "alignment 64)\n"
            "  in: buffer, offset 0, 256 B\n"
            "  stem: buffer, offset 640, 512 B\n"
            "  b1: slice of cat, offset 0, 128 B\n"
            "  b2r: buffer, offset 1664, 128 B\n"
            "  b2: slice of cat, offset 128, 256 B\n"
            "  b3r: buffer, offset 1792, 64 B\n"
            "  b3: slice of cat, offset 384, 128 B\n"
            "  b4p: buffer, offset 1152, 512 B\n"
            "  b4: slice of cat, offset 512, 128 B\n"
            "  cat: buffer, offset 0, 640 B\n"
            "  pool: buffer, offset 640, 160 B\n");
  // One stream: the branch temporaries reuse each other's bytes.
  const Plan sequential = PlanFor(g, 1, 64);
  EXPECT_LT(sequential.arena_bytes, plan.arena_bytes);
  EXPECT_EQ(sequential.naive_bytes, plan.naive_bytes);
  EXPECT_LE(sequential.lower_bound_bytes, sequential.arena_bytes);
}

TEST(MemoryPlanTest, NestedSliceOffsetsAdd) {
  // x writes channels [2, 4) of inner, which is channels [4, 8) of outer (planes 2x2:
  // 16 B per channel): x is at outer + (4 + 2) * 16.
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 8, 2),
             MakeNode("w", OpKind::kConv2d, {"in"}, 2, 2),
             MakeNode("x", OpKind::kConv2d, {"in"}, 2, 2),
             MakeNode("inner", OpKind::kConcat, {"w", "x"}, 4, 2),
             MakeNode("y", OpKind::kConv2d, {"in"}, 4, 2),
             MakeNode("outer", OpKind::kConcat, {"y", "inner"}, 8, 2)};
  g.at("inner").elided = g.at("outer").elided = true;
  g.at("w").output_slice = ConcatSlice{"inner", 0};
  g.at("x").output_slice = ConcatSlice{"inner", 2};
  g.at("y").output_slice = ConcatSlice{"outer", 0};
  g.at("inner").output_slice = ConcatSlice{"outer", 4};
  g.outputs = {"outer"};
  const Plan plan = PlanFor(g, 2, 64);
  const int64_t outer = OffsetOf(g, plan, "outer");
  EXPECT_EQ(OffsetOf(g, plan, "inner"), outer + 64);
  EXPECT_EQ(OffsetOf(g, plan, "x"), outer + 96);
  EXPECT_EQ(OffsetOf(g, plan, "y"), outer);
  EXPECT_EQ(plan.values[g.IndexOf("x")].root, g.IndexOf("outer"));
  EXPECT_EQ(plan.values[g.IndexOf("x")].kind, ValueKind::kSlice);
}

TEST(MemoryPlanTest, ConcatNotElidedMayHaveSliceInputs) {
  // x writes channels [0, 4) of cat in place; cat (launched) copies y into [4, 8). cat
  // runs after both, so x's bytes are busy from x to cat's readers.
  // +in +x +y -in +cat(x) -y (cat stays)
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 4, 2), MakeNode("x", OpKind::kConv2d, {"in"}, 4, 2),
             MakeNode("y", OpKind::kConv2d, {"in"}, 4, 2),
             MakeNode("cat", OpKind::kConcat, {"x", "y"}, 8, 2)};
  g.at("x").output_slice = ConcatSlice{"cat", 0};
  g.outputs = {"cat"};
  const Plan plan = PlanFor(g, 2, 64);
  EXPECT_EQ(PlanToString(g, plan),
            "plan: 2 streams, 2 events\n"
            "stream 0: record e0, launch x, wait e1, launch cat\n"
            "stream 1: wait e0, launch y, record e1\n"
            "memory: arena 256 B, lower bound 256 B, naive 256 B (4 B per element, "
            "alignment 64)\n"
            "  in: buffer, offset 128, 64 B\n"
            "  x: slice of cat, offset 0, 64 B\n"
            "  y: buffer, offset 192, 64 B\n"
            "  cat: buffer, offset 0, 128 B\n");
}

// GoogLeNet's real liveness, after the planner's passes (concat elision included).
TEST(MemoryPlanTest, GoogLeNet) {
  for (bool torchvision : {false, true}) {
    SCOPED_TRACE(torchvision ? "torchvision" : "caffe");
    Graph g = torchvision ? zoo::BuildGoogLeNetTorchvision() : zoo::BuildGoogLeNetCaffe();
    InferShapes(g);
    WeightMap no_weights;
    OptimizeOptions options;
    options.fold_batchnorm = false;  // needs weights; BatchNorm nodes are planned as they are
    EXPECT_EQ(OptimizeGraph(g, no_weights, options).concat_elided, 9);
    for (int streams : {1, 4}) {
      Plan plan = ScheduleStreams(g, streams);
      PlanMemory(g, plan);
      CheckNoOverlap(g, plan);
      EXPECT_EQ(plan.num_streams, streams);
      EXPECT_EQ(plan.num_events, streams == 1 ? 0 : 9 * 4);  // per block: fork + 3 joins
      EXPECT_LE(plan.lower_bound_bytes, plan.arena_bytes);
      EXPECT_LE(plan.arena_bytes, plan.lower_bound_bytes * 115 / 100);  // docs/design.md §5
      EXPECT_LT(plan.arena_bytes * 3, plan.naive_bytes);
    }
  }
}

TEST(MemoryPlanTest, CheckNoOverlapCatchesCorruption) {
  const Graph g = TwoBranches();
  Plan plan = PlanFor(g, 2);
  plan.values[g.IndexOf("e")].offset = plan.values[g.IndexOf("b")].offset;
  try {
    CheckNoOverlap(g, plan);
    FAIL() << "overlap of b and e not caught";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "CheckNoOverlap: \"b\" [0, 512) and \"e\" [0, 512) overlap but neither's "
              "accesses all happen before the other's writes");
  }
  // A slice moved away from its place in the concat.
  const Graph block = InceptionBlock();
  Plan moved = PlanFor(block, 4, 64);
  moved.values[block.IndexOf("b3")].offset += 4;
  EXPECT_THROW(CheckNoOverlap(block, moved), Error);
  // Outside the arena.
  Plan small = PlanFor(block, 4, 64);
  small.arena_bytes -= 64;
  EXPECT_THROW(CheckNoOverlap(block, small), Error);
  // Not memory-planned at all.
  EXPECT_THROW(CheckNoOverlap(block, ScheduleStreams(block, 4)), Error);
}

int Count(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

TEST(MemoryPlanSvgTest, OneRectPerValueAndWorkspace) {
  Graph g = InceptionBlock();
  g.name = "block";
  std::vector<int64_t> workspaces(g.nodes.size(), 0);
  workspaces[g.IndexOf("b2")] = 100;
  const Plan plan = PlanFor(g, 4, 64, workspaces);
  const std::string svg = MemoryPlanToSvg(g, plan);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(Count(svg, "<rect class=\"block\""), 12);  // 11 values + 1 workspace
  EXPECT_EQ(Count(svg, "<title>"), 12);
  EXPECT_EQ(Count(svg, "</title></rect>"), 12);
  EXPECT_EQ(Count(svg, "<title>b2: slice of cat, 256 bytes at [128, 384), live steps 4-9</title>"),
            1)
      << svg;
  EXPECT_EQ(Count(svg, "<title>workspace of b2, 100 bytes at ["), 1);
  // b2r runs on stream 1: its rectangle has stream 1's colour.
  const size_t b2r = svg.find("<title>b2r:");
  ASSERT_NE(b2r, std::string::npos);
  const size_t rect = svg.rfind("<rect ", b2r);
  EXPECT_NE(svg.substr(rect, b2r - rect).find(StreamColor(1)), std::string::npos);
  EXPECT_THROW(MemoryPlanToSvg(g, ScheduleStreams(g, 4)), Error);
}

TEST(MemoryPlanTest, RejectsBadArguments) {
  const Graph g = TwoBranches();
  Plan plan = ScheduleStreams(g, 2);
  EXPECT_THROW(PlanMemory(g, plan, 0, 256), Error);
  EXPECT_THROW(PlanMemory(g, plan, 4, 0), Error);
  Plan wrong_graph = ScheduleStreams(InceptionBlock(), 2);
  EXPECT_THROW(PlanMemory(g, wrong_graph, 4, 256), Error);
}

}  // namespace
}  // namespace incept

// Plans with per-value element types and layouts (precision_policy.h, memory_plan.h): the
// policy's table on tiny graphs, exact offsets of an fp16 NHWC plan with nested concat
// slices (2 B per element, a slice = a channel offset inside each pixel), CheckNoOverlap on
// corrupted formats and offsets, and the real networks (GoogLeNet Caffe and torchvision,
// Inception-v3) at fp16 and bf16: no overlap, arena near the bound, slices, fp32 unchanged.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/passes/passes.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/plan.h"
#include "graph/planner/plan_dot.h"
#include "graph/planner/plan_svg.h"
#include "graph/planner/precision_policy.h"
#include "graph/planner/schedule.h"
#include "graph/planner/views.h"
#include "graph/shape_inference.h"
#include "model_zoo/googlenet.h"
#include "model_zoo/inception_v3.h"

namespace incept {
namespace {

Node MakeNode(const std::string& name, OpKind op, std::vector<std::string> inputs, int64_t channels,
              int64_t hw = 1) {
  Node node;
  node.name = name;
  node.op = op;
  node.inputs = std::move(inputs);
  node.shape = {1, channels, hw, hw};
  return node;
}

const ValueFormat kF32{ElementType::kF32, Layout::kNCHW};
const ValueFormat kF16Nhwc{ElementType::kF16, Layout::kNHWC};
const ValueFormat kBf16Nhwc{ElementType::kBF16, Layout::kNHWC};

// in (fp32) -> y, w, x (convs) written into nested concats: w, x -> inner = channels [4, 8)
// of outer; y -> channels [0, 4) of outer; head reads outer and is the output (fp32).
Graph NestedConcats() {
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 8, 2),
             MakeNode("y", OpKind::kConv2d, {"in"}, 4, 2),
             MakeNode("w", OpKind::kConv2d, {"in"}, 2, 2),
             MakeNode("x", OpKind::kConv2d, {"in"}, 2, 2),
             MakeNode("inner", OpKind::kConcat, {"w", "x"}, 4, 2),
             MakeNode("outer", OpKind::kConcat, {"y", "inner"}, 8, 2),
             MakeNode("head", OpKind::kConv2d, {"outer"}, 8, 2)};
  g.at("inner").elided = g.at("outer").elided = true;
  g.at("w").output_slice = ConcatSlice{"inner", 0};
  g.at("x").output_slice = ConcatSlice{"inner", 2};
  g.at("y").output_slice = ConcatSlice{"outer", 0};
  g.at("inner").output_slice = ConcatSlice{"outer", 4};
  g.outputs = {"head"};
  return g;
}

TEST(PrecisionPolicy, Fp32AndTf32AreFp32Nchw) {
  const Graph g = NestedConcats();
  for (Precision p : {Precision::kFp32, Precision::kTf32})
    for (const ValueFormat& f : AssignValueFormats(g, p)) EXPECT_EQ(f, kF32);
}

TEST(PrecisionPolicy, InputOutputsAndSoftmaxStayFp32) {
  // in -> conv -> pool (1x1) -> flat -> fc -> prob (Softmax, output); fc2 an aux output.
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 3, 4),
             MakeNode("conv", OpKind::kConv2d, {"in"}, 8, 4),
             MakeNode("pool", OpKind::kAdaptiveAvgPool, {"conv"}, 8, 1),
             MakeNode("flat", OpKind::kFlatten, {"pool"}, 8, 1),
             MakeNode("fc", OpKind::kLinear, {"flat"}, 10, 1),
             MakeNode("prob", OpKind::kSoftmax, {"fc"}, 10, 1),
             MakeNode("fc2", OpKind::kLinear, {"flat"}, 5, 1)};
  g.outputs = {"prob"};
  g.aux_outputs = {"fc2"};
  const std::vector<ValueFormat> f = AssignValueFormats(g, Precision::kBf16);
  EXPECT_EQ(f[g.IndexOf("in")], kF32);
  EXPECT_EQ(f[g.IndexOf("conv")], kBf16Nhwc);
  EXPECT_EQ(f[g.IndexOf("pool")], kBf16Nhwc);
  EXPECT_EQ(f[g.IndexOf("flat")], kBf16Nhwc);  // an alias of pool: pool's format
  EXPECT_EQ(f[g.IndexOf("fc")], kF32);         // Softmax reads it in fp32
  EXPECT_EQ(f[g.IndexOf("prob")], kF32);
  EXPECT_EQ(f[g.IndexOf("fc2")], kF32);  // aux output
}

TEST(PrecisionPolicy, FlattenOfAnNhwcImageIsRefused) {
  Graph g;
  g.nodes = {MakeNode("in", OpKind::kInput, {}, 3, 4),
             MakeNode("conv", OpKind::kConv2d, {"in"}, 8, 4),
             MakeNode("flat", OpKind::kFlatten, {"conv"}, 128, 1),
             MakeNode("fc", OpKind::kLinear, {"flat"}, 10, 1)};
  g.outputs = {"fc"};
  try {
    AssignValueFormats(g, Precision::kFp16);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Flatten \"flat\" reads \"conv\""), std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(AssignValueFormats(g, Precision::kFp32));
}

TEST(PrecisionPlan, Fp16NhwcNestedSliceOffsets) {
  // Bytes: in 8*2*2*4 = 128 (fp32), outer 8*2*2*2 = 64 (fp16), head 128 (fp32 output).
  // One stream: +in +outer(y, w, x) -in +head -outer (head stays). in conflicts with outer
  // (y, w, x read in and write outer), outer with head; in precedes head. Largest first
  // (ties: earlier first write): in 0, head 0 (after in dies), outer 128 (after both).
  // NHWC slices: a channel offset inside each pixel, 2 B per channel: inner = outer + 4*2,
  // w = inner, x = inner + 2*2, y = outer.
  const Graph g = NestedConcats();
  Plan plan = ScheduleStreams(g, 1);
  PlanMemoryForPrecision(g, plan, Precision::kFp16, 64);
  EXPECT_EQ(PlanToString(g, plan),
            "plan: 1 stream, 0 events\n"
            "stream 0: launch y, launch w, launch x, launch head\n"
            "memory: arena 192 B, lower bound 192 B, naive 320 B (precision fp16, per-value "
            "element types, alignment 64)\n"
            "  in: buffer, offset 0, 128 B, fp32 NCHW\n"
            "  y: slice of outer, offset 128, 32 B, fp16 NHWC\n"
            "  w: slice of outer, offset 136, 16 B, fp16 NHWC\n"
            "  x: slice of outer, offset 140, 16 B, fp16 NHWC\n"
            "  inner: slice of outer, offset 136, 32 B, fp16 NHWC\n"
            "  outer: buffer, offset 128, 64 B, fp16 NHWC\n"
            "  head: buffer, offset 0, 128 B, fp32 NCHW\n");
  EXPECT_EQ(plan.bytes_per_element, 0);
  EXPECT_EQ(plan.precision, Precision::kFp16);
  // The same graph in fp32 NCHW: slices at channel * H * W * 4 B.
  Plan fp32 = ScheduleStreams(g, 1);
  PlanMemoryForPrecision(g, fp32, Precision::kFp32, 64);
  const int64_t outer = fp32.values[g.IndexOf("outer")].offset;
  EXPECT_EQ(fp32.values[g.IndexOf("x")].offset, outer + (4 + 2) * 4 * 4);
  EXPECT_EQ(fp32.bytes_per_element, 4);
}

TEST(PrecisionPlan, CheckNoOverlapCatchesWrongFormatsAndNchwOffsets) {
  const Graph g = NestedConcats();
  Plan plan = ScheduleStreams(g, 2);
  PlanMemoryForPrecision(g, plan, Precision::kBf16, 64);
  EXPECT_NO_THROW(CheckNoOverlap(g, plan));
  {
    Plan bad = plan;  // x at its NCHW place (channel 6 * plane 4 * 2 B) instead of 6 * 2 B
    const int64_t outer = bad.values[g.IndexOf("outer")].offset;
    bad.values[g.IndexOf("x")].offset = outer + 6 * 4 * 2;
    EXPECT_THROW(CheckNoOverlap(g, bad), Error);
  }
  {
    Plan bad = plan;  // a slice whose type differs from its root's
    bad.values[g.IndexOf("w")].format = kF16Nhwc;
    EXPECT_THROW(CheckNoOverlap(g, bad), Error);
  }
  {
    Plan bad = plan;  // the root claims 4 B per element: its bytes no longer match
    bad.values[g.IndexOf("head")].format = kBf16Nhwc;
    EXPECT_THROW(CheckNoOverlap(g, bad), Error);
  }
  // PlanMemory refuses formats where a view differs from its root.
  std::vector<ValueFormat> formats = AssignValueFormats(g, Precision::kFp16);
  formats[g.IndexOf("inner")] = kF32;
  Plan again = ScheduleStreams(g, 2);
  EXPECT_THROW(PlanMemory(g, again, formats), Error);
  EXPECT_THROW(PlanMemory(g, again, std::vector<ValueFormat>(2, kF32)), Error);
}

TEST(PrecisionPlan, PicturesShowTheFormats) {
  const Graph g = NestedConcats();
  Plan plan = ScheduleStreams(g, 2);
  PlanMemoryForPrecision(g, plan, Precision::kFp16, 64);
  EXPECT_NE(PlanToDot(g, plan).find("fp16 NHWC"), std::string::npos);
  EXPECT_NE(MemoryPlanToSvg(g, plan).find("fp16 NHWC"), std::string::npos);
  Plan fp32 = ScheduleStreams(g, 2);
  PlanMemoryForPrecision(g, fp32, Precision::kFp32, 64);
  EXPECT_EQ(PlanToDot(g, fp32).find("NCHW"), std::string::npos);  // fp32 pictures unchanged
}

Graph Optimized(Graph g) {
  InferShapes(g);
  WeightMap no_weights;
  OptimizeOptions options;
  options.fold_batchnorm = false;  // needs weights; BatchNorm nodes are planned as they are
  OptimizeGraph(g, no_weights, options);
  return g;
}

// The real networks: the plan holds, the arena stays within 1.15x of its bound (docs/design.md
// §5), the body is in the reduced type, slices sit at channel * 2 B in their root, and the
// reduced arena is well below the fp32 one.
void CheckNetwork(const Graph& loaded, int batch) {
  Graph g = Optimized(loaded);
  Shape input = g.nodes[g.InputIndices()[0]].shape;
  input.n = batch;
  InferShapes(g, input);
  const GraphViews views = AnalyzeViews(g);
  for (int streams : {1, 4}) {
    SCOPED_TRACE("streams " + std::to_string(streams));
    Plan fp32 = ScheduleStreams(g, streams);
    PlanMemory(g, fp32);
    for (Precision p : {Precision::kFp16, Precision::kBf16}) {
      SCOPED_TRACE(PrecisionName(p));
      Plan plan = ScheduleStreams(g, streams);
      PlanMemoryForPrecision(g, plan, p);  // CheckNoOverlap inside
      EXPECT_LE(plan.lower_bound_bytes, plan.arena_bytes);
      EXPECT_LE(plan.arena_bytes, plan.lower_bound_bytes * 115 / 100);
      EXPECT_LT(plan.arena_bytes * 10, fp32.arena_bytes * 6);
      int slices = 0, convs = 0;
      for (size_t v = 0; v < g.nodes.size(); ++v) {
        const Node& node = g.nodes[v];
        const ValuePlacement& placed = plan.values[v];
        if (node.op == OpKind::kInput || views.is_output[v]) {
          EXPECT_EQ(placed.format, kF32) << node.name;
        } else if (node.op == OpKind::kConv2d || node.op == OpKind::kFusedReduceConv) {
          ++convs;
          EXPECT_EQ(placed.format.type, StorageType(p)) << node.name;
          EXPECT_EQ(placed.format.layout, Layout::kNHWC) << node.name;
        }
        if (placed.kind == ValueKind::kSlice && views.kind[views.base[v]] == ValueKind::kBuffer) {
          ++slices;
          EXPECT_EQ(placed.offset - plan.values[placed.root].offset,
                    views.slice_channel_offset[v] * 2)
              << node.name;
        }
      }
      EXPECT_GT(convs, 15);
      EXPECT_GT(slices, 30);
    }
    // fp32 through the policy is the plan of today, byte for byte.
    Plan same = ScheduleStreams(g, streams);
    PlanMemoryForPrecision(g, same, Precision::kFp32);
    EXPECT_EQ(PlanToString(g, same), PlanToString(g, fp32));
  }
}

TEST(PrecisionPlan, GoogLeNetCaffe) { CheckNetwork(zoo::BuildGoogLeNetCaffe(), 8); }
TEST(PrecisionPlan, GoogLeNetTorchvision) { CheckNetwork(zoo::BuildGoogLeNetTorchvision(), 3); }
TEST(PrecisionPlan, InceptionV3) { CheckNetwork(zoo::BuildInceptionV3Torchvision(), 2); }

}  // namespace
}  // namespace incept

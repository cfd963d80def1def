// Reduce fusion per input shape in the Engine (Backend::ChooseReduceFusions, applied in
// each shape's prepared graph): results equal to the unfused graph's at two batches with
// different choices; the EngineOptions::fuse_reduce modes; engine files keep a partial
// fusion set through Save/Load and refuse a tampered pair name.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "graph/error.h"
#include "graph/json_io.h"
#include "host/engine.h"
#include "host/engine_file/engine_file.h"
#include "host/host_backend.h"
#include "host/random_weights.h"
#include "tests/host/host_run_util.h"

namespace incept {
namespace {

using testing::RandomInput;
using testing::RelativeL2;

// The host backend, except that it fuses every other pair, starting with the first at odd
// batches and the second at even ones: two batches, two different fusion sets.
class AlternatingFusionBackend : public Backend {
 public:
  std::string name() const override { return host_->name(); }
  std::string Unavailable() const override { return host_->Unavailable(); }
  std::vector<ReduceFusionDecision> ChooseReduceFusions(const Graph& graph, const WeightMap&,
                                                        const ReduceFusionRequest& r) override {
    if (r.mode != ReduceFusionMode::kBackendChooses)
      return Backend::ChooseReduceFusions(graph, {}, r);
    const int64_t batch = graph.nodes.at(graph.InputIndices().at(0)).shape.n;
    std::vector<ReduceFusionDecision> d =
        UniformReduceFusions(graph, false, FusionReason::kMeasured, "alternating");
    for (size_t i = 0; i < d.size(); ++i) {
      d[i].fused = (i % 2) == static_cast<size_t>(batch % 2 == 0);
      // Times as a timed backend records them (they travel through engine files and into
      // the fused nodes' tactics).
      d[i].tile_h = 4;
      d[i].cout_per_block = 64;
      d[i].candidates = {{kReducePairCandidate, 100.0 + i, 0.01, 5},
                         {FusedLaunchName(64, 4), d[i].fused ? 50.0 : 150.0, 0.02, 5}};
    }
    return d;
  }
  void AssignTactics(const Graph& graph, const WeightMap& weights, Plan& plan) override {
    host_->AssignTactics(graph, weights, plan);
  }
  std::unique_ptr<Executable> Compile(const Graph& graph, const WeightMap& weights,
                                      const Plan& plan) override {
    return host_->Compile(graph, weights, plan);
  }

 private:
  std::unique_ptr<Backend> host_ = MakeHostBackend();
};

const bool registered = RegisterBackend(
    "host-alternating", [] { return std::make_unique<AlternatingFusionBackend>(); });

// torchvision's GoogLeNet at 40x40 (every layer and pair, small enough for the CPU).
Graph SmallGoogLeNet() {
  Graph graph = LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json");
  InferShapes(graph, Shape{1, 3, 40, 40});
  return graph;
}

EngineOptions Options(const std::string& backend, std::optional<bool> fuse) {
  EngineOptions o;
  o.backend = backend;
  o.fuse_reduce = fuse;
  return o;
}

int FusedCount(const Plan& plan) {
  int n = 0;
  for (const ReduceFusionDecision& d : plan.reduce_fusions) n += d.fused;
  return n;
}

int FusedNodes(const Graph& graph) {
  int n = 0;
  for (const Node& node : graph.nodes) n += node.op == OpKind::kFusedReduceConv;
  return n;
}

TEST(ReduceFusionEngine, PerShapeChoiceMatchesTheUnfusedGraph) {
  ASSERT_TRUE(registered);
  const Graph graph = SmallGoogLeNet();
  const WeightMap weights = RandomWeights(graph, 11);
  Engine unfused(graph, weights, Options("host", false));
  Engine alternating(graph, weights, Options("host-alternating", std::nullopt));
  Engine host_default(graph, weights, Options("host", std::nullopt));
  for (int64_t batch : {1, 2}) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    const Shape shape{batch, 3, 40, 40};
    const Engine::Prepared& none = unfused.Prepare(shape);
    const Engine::Prepared& some = alternating.Prepare(shape);
    const Engine::Prepared& all = host_default.Prepare(shape);
    EXPECT_EQ(FusedCount(none.plan), 0);
    EXPECT_EQ(FusedNodes(none.graph), 0);
    EXPECT_EQ(FusedCount(some.plan), batch == 1 ? 10 : 9);  // 19 pairs, every other one
    EXPECT_EQ(FusedNodes(some.graph), FusedCount(some.plan));
    EXPECT_EQ(FusedCount(all.plan), 19);
    EXPECT_EQ(all.plan.reduce_fusions.at(0).reason, FusionReason::kHostDefault);
    EXPECT_EQ(none.plan.reduce_fusions.at(0).reason, FusionReason::kOption);
    // The engine-wide graph stays unfused; each shape's is fused as its plan says.
    EXPECT_EQ(FusedNodes(alternating.optimized_graph()), 0);
    EXPECT_EQ(some.graph.nodes.size(), none.graph.nodes.size() - FusedCount(some.plan));
    const Tensor input = RandomInput({batch, 3, 40, 40}, 5 + batch);
    const Tensor want = unfused.Run(input).at(0);
    RunOptions poison;  // dead buffers NaN-filled: a wrong memory plan of the fused graph shows
    poison.poison = true;
    EXPECT_LE(RelativeL2(alternating.Run(input, poison).at(0), want), 1e-5);
    EXPECT_LE(RelativeL2(host_default.Run(input).at(0), want), 1e-5);
  }
  // The two batches fused different pairs.
  const Plan& p1 = alternating.Prepare(Shape{1, 3, 40, 40}).plan;
  const Plan& p2 = alternating.Prepare(Shape{2, 3, 40, 40}).plan;
  for (size_t i = 0; i < p1.reduce_fusions.size(); ++i)
    EXPECT_NE(p1.reduce_fusions[i].fused, p2.reduce_fusions[i].fused);
  // fuse_reduce = true fuses every pair whatever the backend would choose.
  Engine forced(graph, weights, Options("host-alternating", true));
  EXPECT_EQ(FusedCount(forced.Prepare(Shape{1, 3, 40, 40}).plan), 19);
}

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/" + name + "_" + std::to_string(getpid()) + ".incept";
}

TEST(ReduceFusionEngine, EngineFileKeepsEachPlansFusions) {
  const Graph graph = SmallGoogLeNet();
  const WeightMap weights = RandomWeights(graph, 12);
  Engine built(graph, weights, Options("host-alternating", std::nullopt));
  const std::string path = TempPath("reduce_fusion");
  const Shape b1{1, 3, 40, 40}, b2{2, 3, 40, 40};
  built.Save(path, {b1, b2});
  // Loaded on the plain host backend: the plans' fusions come from the file, not from it.
  std::unique_ptr<Engine> loaded = Engine::Load(path);
  for (const Shape& shape : {b1, b2}) {
    SCOPED_TRACE(shape.str());
    const Engine::Prepared& a = built.Prepare(shape);
    const Engine::Prepared& b = loaded->Prepare(shape);
    EXPECT_EQ(b.plan.reduce_fusions, a.plan.reduce_fusions);
    EXPECT_EQ(FusedNodes(b.graph), FusedCount(a.plan));
    EXPECT_EQ(b.graph.nodes.size(), a.graph.nodes.size());
    EXPECT_TRUE(b.plan.tactics == a.plan.tactics);
    // A fused node's tactic names the launch and lists both candidates.
    const int fused_node = b.graph.IndexOf(a.plan.reduce_fusions.at(shape.n == 1 ? 0 : 1).pair);
    ASSERT_GE(fused_node, 0);
    EXPECT_EQ(b.graph.nodes[fused_node].op, OpKind::kFusedReduceConv);
    EXPECT_EQ(b.plan.tactics[fused_node].kind, TacticKind::kFusedReduceConv);
    EXPECT_EQ(b.plan.tactics[fused_node].name, "fused_reduce_conv_tc/cpb64/th4");
    EXPECT_EQ(b.plan.tactics[fused_node].candidates.size(), 2u);
    const Tensor input = RandomInput({shape.n, 3, 40, 40}, 21);
    const Tensor x = built.Run(input).at(0), y = loaded->Run(input).at(0);
    ASSERT_EQ(x.data.size(), y.data.size());
    EXPECT_EQ(x.data, y.data);  // the same plan on the same backend: bitwise
  }
  // A new shape on the loaded engine: the host backend's own choice (every pair).
  EXPECT_EQ(FusedCount(loaded->Prepare(Shape{3, 3, 40, 40}).plan), 19);

  // Tampered pair names: unknown, and a conv that is no reduce -> KxK pair.
  for (const std::string& bad : {std::string("no.such.conv"), std::string("conv1.conv")}) {
    EngineFileContents contents = ReadEngineFile(path);
    contents.prepared.at(1).plan.reduce_fusions.at(2).pair = bad;
    const std::vector<uint8_t> bytes = SerializeEngineFile(contents);
    try {
      ParseEngineFile(bytes.data(), bytes.size(), "tampered.incept");
      FAIL() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()),
                "tampered.incept: plans[1]: plan.reduce_fusions[2] \"" + bad +
                    "\": the graph has no 1x1 reduce -> KxK conv pair of that name");
    }
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace incept

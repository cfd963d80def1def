// Reduce fusion chosen per pair by timing (graph/planner/reduce_fusion.h), with fake
// timers: which pairs fuse per batch, what is recorded (decisions, candidates, launches,
// tactics), the timing cache (a warm one times nothing), and the pass's pair filter.
#include "graph/planner/reduce_fusion.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "graph/error.h"
#include "graph/json_io.h"
#include "graph/planner/make_plan.h"
#include "graph/shape_inference.h"
#include "host/random_weights.h"

namespace incept {
namespace {

// torchvision's GoogLeNet with BatchNorm folded and concats elided, pairs unfused, at
// `batch` x 3 x 64 x 64.
Graph OptimisedGoogLeNet(int64_t batch) {
  Graph graph = LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json");
  InferShapes(graph, Shape{batch, 3, 64, 64});
  WeightMap weights = RandomWeights(graph, 1);
  OptimizeOptions options;
  options.fuse_reduce = false;
  OptimizeGraph(graph, weights, options);
  return graph;
}

// Times from a table by the KxK conv's name and the batch: the 5x5-branch pairs
// (branch3) win clearly at batch 1, the 3x3 ones (branch2) at batch 4; conv3 is faster by
// 2% inside a 5% spread (noise: not fused); every other pair loses.
class FakePairTimer : public ReducePairTimer {
 public:
  PairMeasurement Measure(const Graph& graph, const ReducePair& pair) override {
    const std::string& name = graph.nodes[pair.conv].name;
    const int64_t batch = graph.nodes[pair.conv].shape.n;
    ++calls[name];
    if (name == fail) throw Error("launch failed");
    PairMeasurement m;
    m.pair = {kReducePairCandidate, 100.0, 0.01, 5};
    double fused = 130.0, spread = 0.01;
    if (name == "conv3.conv") {
      fused = 98.0;
      spread = 0.05;
    } else if (name.find(batch == 1 ? "branch3" : "branch2") != std::string::npos) {
      fused = 60.0;
    }
    m.cout_per_block = batch == 1 ? 64 : 0;
    m.tile_h = batch == 1 ? 4 : 8;
    m.fused = {FusedLaunchName(m.cout_per_block, m.tile_h), fused, spread, 5};
    return m;
  }
  std::map<std::string, int> calls;
  std::string fail;  // this pair's timing throws
  int total() const {
    int n = 0;
    for (const auto& [name, count] : calls) n += count;
    return n;
  }
};

// The fused kernel "cannot take" inception5b's 3x3 pair.
bool Supported(const Node&, const Node& conv, std::string* why) {
  if (conv.name != "inception5b.branch2.1.conv") return true;
  *why = "test: unsupported";
  return false;
}

TimedFusionOptions Options(TimingCache* cache) {
  TimedFusionOptions o;
  o.device.backend = "fake";
  o.element_type = "fp16";
  o.layout = "NHWC";
  o.cache = cache;
  return o;
}

const ReduceFusionDecision& Find(const std::vector<ReduceFusionDecision>& d, const std::string& n) {
  for (const ReduceFusionDecision& x : d)
    if (x.pair == n) return x;
  throw Error("no decision for " + n);
}

TEST(ReduceFusionChoice, FusesWhereFasterBeyondNoisePerBatch) {
  TimingCache cache;
  FakePairTimer timer;
  for (int64_t batch : {1, 4}) {
    const Graph graph = OptimisedGoogLeNet(batch);
    ASSERT_EQ(FindReducePairs(graph).size(), 19u);
    const std::vector<ReduceFusionDecision> d =
        DecideReduceFusionsByTiming(graph, Supported, timer, Options(&cache));
    ASSERT_EQ(d.size(), 19u);
    const std::string wins = batch == 1 ? "branch3" : "branch2";
    int fused = 0;
    for (const ReduceFusionDecision& x : d) {
      SCOPED_TRACE(x.pair + " batch " + std::to_string(batch));
      fused += x.fused;
      if (x.pair == "inception5b.branch2.1.conv") {
        EXPECT_FALSE(x.fused);
        EXPECT_EQ(x.reason, FusionReason::kUnsupported);
        EXPECT_EQ(x.why, "test: unsupported");
        EXPECT_TRUE(x.candidates.empty());
        continue;
      }
      EXPECT_EQ(x.reason, FusionReason::kMeasured);
      const bool expect = x.pair != "conv3.conv" && x.pair.find(wins) != std::string::npos;
      EXPECT_EQ(x.fused, expect);
      ASSERT_EQ(x.candidates.size(), 2u);
      EXPECT_EQ(x.candidates[0].name, kReducePairCandidate);
      EXPECT_EQ(x.candidates[0].median_us, 100.0);
      EXPECT_EQ(x.candidates[1].name, FusedLaunchName(x.cout_per_block, x.tile_h));
      EXPECT_EQ(x.tile_h, batch == 1 ? 4 : 8);
      EXPECT_EQ(x.cout_per_block, batch == 1 ? 64 : 0);
    }
    EXPECT_EQ(fused, batch == 1 ? 9 : 8);  // 9 5x5 pairs; 9 3x3 pairs less inception5b's
    EXPECT_EQ(Find(d, "conv3.conv").candidates[1].median_us, 98.0);  // recorded, not fused
  }
  // 18 supported pairs per batch, but inception4b's and 4c's 5x5 pairs are the same layers
  // (512 -> 24 -> 64 at 14x14): one signature, timed once; each batch has its own entries.
  EXPECT_EQ(timer.total(), 34);
  EXPECT_EQ(timer.calls["inception4b.branch3.1.conv"] + timer.calls["inception4c.branch3.1.conv"],
            2);
  EXPECT_EQ(cache.size(), 34u);
}

TEST(ReduceFusionChoice, WarmCacheTimesNothingAndDecidesAlike) {
  TimingCache cache;
  FakePairTimer cold;
  const Graph graph = OptimisedGoogLeNet(1);
  const auto first = DecideReduceFusionsByTiming(graph, Supported, cold, Options(&cache));
  FakePairTimer warm;
  auto second = DecideReduceFusionsByTiming(graph, Supported, warm, Options(&cache));
  EXPECT_EQ(warm.total(), 0);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(second[i].fused, first[i].fused) << first[i].pair;
    EXPECT_EQ(second[i].candidates, first[i].candidates) << first[i].pair;
    EXPECT_EQ(second[i].tile_h, first[i].tile_h);
    EXPECT_EQ(second[i].cout_per_block, first[i].cout_per_block);
  }
  // Through JSON too, and another device's entries are not ours.
  TimingCache reloaded = TimingCache::FromJson(cache.ToJson(), "test");
  FakePairTimer again;
  DecideReduceFusionsByTiming(graph, Supported, again, Options(&reloaded));
  EXPECT_EQ(again.total(), 0);
  TimedFusionOptions other = Options(&reloaded);
  other.device.backend = "other";
  DecideReduceFusionsByTiming(graph, Supported, again, other);
  EXPECT_EQ(again.total(), 17);
}

TEST(ReduceFusionChoice, AFailedTimingKeepsThePairUnfused) {
  TimingCache cache;
  FakePairTimer timer;
  timer.fail = "inception3a.branch3.1.conv";
  const Graph graph = OptimisedGoogLeNet(1);
  const auto d = DecideReduceFusionsByTiming(graph, Supported, timer, Options(&cache));
  const ReduceFusionDecision& x = Find(d, "inception3a.branch3.1.conv");
  EXPECT_FALSE(x.fused);
  EXPECT_EQ(x.reason, FusionReason::kUnsupported);
  EXPECT_EQ(x.why, "timing failed: launch failed");
  EXPECT_TRUE(Find(d, "inception3b.branch3.1.conv").fused);  // the others go on
  EXPECT_EQ(cache.size(), 16u);                              // 17 signatures, one failed
}

TEST(ReduceFusionChoice, TacticsAndTextRecordTheChoice) {
  TimingCache cache;
  FakePairTimer timer;
  Graph graph = OptimisedGoogLeNet(1);
  const std::vector<ReduceFusionDecision> d =
      DecideReduceFusionsByTiming(graph, Supported, timer, Options(&cache));
  EXPECT_EQ(ApplyReduceFusions(graph, d), 9);
  InferShapes(graph, Shape{1, 3, 64, 64});
  Plan plan = MakePlan(graph, 4, Precision::kFp16);
  plan.reduce_fusions = d;
  AssignUniformTactics(graph, plan, TacticKind::kHostKernel, "host");
  RecordReduceFusionTactics(graph, plan);
  const int fused = graph.IndexOf("inception3a.branch3.1.conv");
  const int unfused = graph.IndexOf("inception3a.branch2.1.conv");
  ASSERT_GE(fused, 0);
  ASSERT_GE(unfused, 0);
  EXPECT_EQ(graph.nodes[fused].op, OpKind::kFusedReduceConv);
  EXPECT_EQ(graph.nodes[unfused].op, OpKind::kConv2d);
  EXPECT_GE(graph.IndexOf("inception3a.branch2.0.conv"), 0);  // its reduce stays
  EXPECT_LT(graph.IndexOf("inception3a.branch3.0.conv"), 0);  // fused away
  const Tactic& f = plan.tactics[fused];
  EXPECT_EQ(f.kind, TacticKind::kFusedReduceConv);
  EXPECT_EQ(f.name, "fused_reduce_conv_tc/cpb64/th4");
  ASSERT_EQ(f.candidates.size(), 2u);
  EXPECT_EQ(f.candidates[1].median_us, 60.0);
  const Tactic& u = plan.tactics[unfused];
  EXPECT_EQ(u.kind, TacticKind::kHostKernel);
  ASSERT_EQ(u.candidates.size(), 2u);  // the pair's times, beside its own tactic
  EXPECT_EQ(u.candidates[1].median_us, 130.0);
  EXPECT_NE(FusedDecision(plan, "inception3a.branch3.1.conv"), nullptr);
  EXPECT_EQ(FusedDecision(plan, "inception3a.branch2.1.conv"), nullptr);
  const std::string text = ReduceFusionsToString(plan);
  EXPECT_NE(text.find("inception3a.branch3.1.conv: fused (measured: cudnn-pair 100.0us ±1.0% vs "
                      "fused_reduce_conv_tc/cpb64/th4 60.0us ±1.0%)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("inception5b.branch2.1.conv: not fused (unsupported: test: unsupported)"),
            std::string::npos)
      << text;
}

TEST(ReduceFusionChoice, WholePlanKeepsFusionOnlyWhenFasterBeyondNoise) {
  TimingCache cache;
  FakePairTimer timer;
  const Graph graph = OptimisedGoogLeNet(1);
  const auto measured = DecideReduceFusionsByTiming(graph, Supported, timer, Options(&cache));
  auto count = [](const std::vector<ReduceFusionDecision>& d) {
    int n = 0;
    for (const ReduceFusionDecision& x : d) n += x.fused;
    return n;
  };
  ASSERT_EQ(count(measured), 9);
  struct Case {
    double unfused_us, fused_us, spread;
    bool keep;
  };
  // Faster beyond noise; faster within the 5% spread; slower.
  for (const Case& c :
       {Case{1000, 900, 0.02, true}, Case{1000, 970, 0.05, false}, Case{1000, 1100, 0.01, false}}) {
    std::vector<ReduceFusionDecision> d = measured;
    const bool kept = ConfirmOnWholePlan(
        d, {{"unfused plan", c.unfused_us, c.spread, 5}, {"fused plan", c.fused_us, 0.01, 5}});
    EXPECT_EQ(kept, c.keep) << c.fused_us;
    EXPECT_EQ(count(d), c.keep ? 9 : 0);
    const ReduceFusionDecision& x = Find(d, "inception3a.branch3.1.conv");
    EXPECT_EQ(x.reason, c.keep ? FusionReason::kMeasured : FusionReason::kWholePlan);
    EXPECT_NE(x.why.find("whole plan"), std::string::npos) << x.why;
    EXPECT_EQ(x.candidates, Find(measured, "inception3a.branch3.1.conv").candidates);
    // Pairs that lost alone are untouched.
    EXPECT_EQ(Find(d, "inception3a.branch2.1.conv").why, "");
  }
}

TEST(ReduceFusionChoice, ApplyRefusesPairsTheGraphLacks) {
  Graph graph = OptimisedGoogLeNet(1);
  std::vector<ReduceFusionDecision> d = UniformReduceFusions(graph, true, FusionReason::kOption);
  ASSERT_EQ(d.size(), 19u);
  for (const std::string& bad : {std::string("no.such.conv"), std::string("conv1.conv")}) {
    std::vector<ReduceFusionDecision> tampered = d;
    tampered[3].pair = bad;
    Graph g = graph;
    try {
      ApplyReduceFusions(g, tampered, "plans[0]");
      FAIL() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "plans[0][3] \"" + bad +
                                           "\": the graph has no 1x1 reduce -> KxK conv pair of "
                                           "that name");
    }
  }
  std::vector<ReduceFusionDecision> twice = d;
  twice.push_back(d[0]);
  Graph g = graph;
  EXPECT_THROW(ApplyReduceFusions(g, twice), Error);
  std::vector<ReduceFusionDecision> wrong_reduce = d;
  wrong_reduce[0].reduce = "conv1.conv";
  EXPECT_THROW(ApplyReduceFusions(g, wrong_reduce), Error);
  EXPECT_EQ(ApplyReduceFusions(g, d), 19);
  EXPECT_TRUE(FindReducePairs(g).empty());
}

TEST(ReduceFusionChoice, LaunchNamesRoundTrip) {
  int cpb = -1, th = -1;
  EXPECT_TRUE(ParseFusedLaunchName(FusedLaunchName(128, 4), &cpb, &th));
  EXPECT_EQ(cpb, 128);
  EXPECT_EQ(th, 4);
  for (const char* bad : {"fused_reduce_conv_tc/cpb64", "fused_reduce_conv_tc/cpb64/th8x",
                          "cudnn-pair", "fused_reduce_conv_tc/cpb-1/th8"})
    EXPECT_FALSE(ParseFusedLaunchName(bad, &cpb, &th)) << bad;
}

}  // namespace
}  // namespace incept

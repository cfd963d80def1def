// GPU profiling: a CUPTI-traced replay maps every kernel to a launched node and the
// critical path fits inside the measured run; isolated mode times every launched node once;
// profiled runs compute the same outputs; the ceiling probe measures plausible peaks.
// Skips without a device; the traced test skips, saying why, where libcupti cannot load.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cuda/ceiling_probe.h"
#include "graph/error.h"
#include "graph/profile/profile_report.h"
#include "tests/cuda/backend_test_util.h"

namespace incept {
namespace {

using cuda_test::kTorchvision;
using testing::RelativeL2;

struct Profiled {
  std::vector<NodeTiming> timings;
  double run_us = 0;
  Tensor output;
};

Profiled RunProfiled(Engine& engine, const Tensor& input, TimingMode mode) {
  Profiled p;
  RunOptions options;
  options.timings = &p.timings;
  options.timing_mode = mode;
  options.run_us = &p.run_us;
  p.output = engine.Run(input, options).at(0);
  return p;
}

Engine CudaEngine() {
  Graph graph = LoadGraph(kTorchvision);
  WeightMap weights = RandomWeights(graph, 3);
  EngineOptions options;
  options.backend = "cuda";
  return Engine(std::move(graph), std::move(weights), options);
}

TEST(CudaProfile, TracedReplayMapsEveryKernelToANode) {
  INCEPT_REQUIRE_GPU();
  Engine engine = CudaEngine();
  const Tensor input = cuda_test::InputFor(Shape{2, 3, 224, 224}, 5);
  const Tensor plain = engine.Run(input).at(0);
  Profiled p;
  try {
    p = RunProfiled(engine, input, TimingMode::kConcurrent);
  } catch (const Error& e) {
    if (std::string(e.what()).find("CUPTI is not") != std::string::npos) GTEST_SKIP() << e.what();
    throw;
  }
  EXPECT_LE(RelativeL2(p.output, plain), 1e-6);
  const Engine::Prepared& prepared = engine.Prepare(Shape{2, 3, 224, 224});
  const GraphViews views = AnalyzeViews(prepared.graph);
  ASSERT_FALSE(p.timings.empty());
  std::set<int> seen;
  for (const NodeTiming& t : p.timings) {
    EXPECT_GE(t.node, 0) << "unmapped: " << t.kernel;
    EXPECT_FALSE(t.kernel.empty());
    EXPECT_GE(t.device_stream, 0);
    if (t.node >= 0) {
      EXPECT_TRUE(views.launched[t.node]) << prepared.graph.nodes[t.node].name;
      EXPECT_EQ(t.stream, prepared.plan.node_stream[t.node]);
      seen.insert(t.node);
    }
  }
  for (size_t i = 0; i < views.launched.size(); ++i)
    if (views.launched[i]) {
      EXPECT_TRUE(seen.count(static_cast<int>(i))) << "no record: " << prepared.graph.nodes[i].name;
    }

  profile::ProfileInput in;
  in.graph = &prepared.graph;
  in.plan = &prepared.plan;
  in.runs = {p.timings};
  in.run_us = {p.run_us};
  const profile::ProfileReport report = profile::AnalyzeProfile(in);
  // The real run obeys the plan's dependencies, so it lasts at least the critical path.
  EXPECT_GT(report.critical_path.length_us, 0);
  EXPECT_LE(report.critical_path.length_us, p.run_us * 1.01 + 2.0);
  EXPECT_EQ(report.unmapped, 0u);

  // A second traced run reuses the traced graph and maps as well.
  Profiled again = RunProfiled(engine, input, TimingMode::kConcurrent);
  EXPECT_EQ(again.timings.size(), p.timings.size());
}

TEST(CudaProfile, IsolatedTimesEveryLaunchedNodeOnce) {
  INCEPT_REQUIRE_GPU();
  Engine engine = CudaEngine();
  const Tensor input = cuda_test::InputFor(Shape{1, 3, 224, 224}, 6);
  const Tensor plain = engine.Run(input).at(0);
  Profiled p = RunProfiled(engine, input, TimingMode::kIsolated);
  EXPECT_LE(RelativeL2(p.output, plain), 1e-6);
  const Engine::Prepared& prepared = engine.Prepare(Shape{1, 3, 224, 224});
  const GraphViews views = AnalyzeViews(prepared.graph);
  size_t launched = 0;
  for (bool l : views.launched) launched += l;
  EXPECT_EQ(p.timings.size(), launched);
  double sum = 0;
  for (const NodeTiming& t : p.timings) {
    EXPECT_GT(t.duration_us, 0) << prepared.graph.nodes[t.node].name;
    sum += t.duration_us;
  }
  EXPECT_DOUBLE_EQ(p.run_us, sum);
}

TEST(CudaProfile, CeilingProbe) {
  INCEPT_REQUIRE_GPU();
  const DeviceCeilings c = cuda::MeasureDeviceCeilings();
  EXPECT_GT(c.flops_per_second, 1e12) << c.how;  // every supported card does > 1 TFLOP/s
  EXPECT_GT(c.bytes_per_second, 1e11) << c.how;  // and > 100 GB/s device to device
}

}  // namespace
}  // namespace incept

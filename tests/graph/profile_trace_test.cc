// The Chrome trace of a profiled run and the kernel -> node map, on synthetic records:
// lanes per device stream, slices named after nodes, record -> wait flows bound to the right
// lanes, the in-flight counter; graph node ids, clones and correlation ids to launch tags,
// from several threads at once.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "graph/profile/chrome_trace.h"
#include "graph/profile/kernel_node_map.h"

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

NodeTiming Kernel(int node, int stream, double start, double duration, int device_stream) {
  NodeTiming t;
  t.node = node;
  t.stream = stream;
  t.start_us = start;
  t.duration_us = duration;
  t.kernel = "kernel" + std::to_string(node);
  t.device_stream = device_stream;
  return t;
}

TEST(ChromeTrace, LanesSlicesFlowsAndCounter) {
  // in -> a (stream 0) -> b (stream 1, after e0) ; a's two kernels on device stream 13,
  // b's kernel on device stream 14.
  Graph g;
  g.name = "tiny";
  g.nodes = {MakeNode("in", OpKind::kInput, {}), MakeNode("a", OpKind::kReLU, {"in"}),
             MakeNode("b", OpKind::kReLU, {"a"})};
  Plan plan;
  plan.num_streams = 2;
  plan.num_events = 1;
  plan.streams = {{{StepKind::kLaunch, 1, -1}, {StepKind::kRecordEvent, -1, 0}},
                  {{StepKind::kWaitEvent, -1, 0}, {StepKind::kLaunch, 2, -1}}};
  plan.order = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  const PlanDag dag = BuildPlanDag(g, plan);
  const std::vector<NodeTiming> run = {Kernel(1, 0, 0, 2, 13), Kernel(1, 0, 2, 3, 13),
                                       Kernel(2, 1, 6, 4, 14), Kernel(-1, 0, 4, 1, 14)};
  const nlohmann::json trace = ChromeTrace(g, dag, run, MeasureConcurrency(run, 12));
  std::set<int> lanes;
  int slices = 0, counters = 0;
  nlohmann::json start, finish;
  for (const auto& e : trace["traceEvents"]) {
    const std::string ph = e["ph"];
    if (ph == "M" && e["name"] == "thread_name") {
      lanes.insert(e["tid"].get<int>());
      if (e["tid"] == 13) {
        EXPECT_EQ(e["args"]["name"], "CUDA stream 13 (plan stream 0)");
      }
    } else if (ph == "X") {
      ++slices;
      if (e["args"]["kernel"] == "kernel2") {
        EXPECT_EQ(e["name"], "b");
        EXPECT_EQ(e["tid"], 14);
        EXPECT_EQ(e["cat"], "ReLU");
      }
    } else if (ph == "s") {
      start = e;
    } else if (ph == "f") {
      finish = e;
    } else if (ph == "C") {
      ++counters;
    }
  }
  EXPECT_EQ(lanes, (std::set<int>{13, 14}));
  EXPECT_EQ(slices, 4);
  ASSERT_FALSE(start.is_null());
  ASSERT_FALSE(finish.is_null());
  EXPECT_EQ(start["id"], finish["id"]);
  EXPECT_EQ(start["tid"], 13);  // from a's last kernel [2, 5)
  EXPECT_DOUBLE_EQ(start["ts"].get<double>(), 3.5);
  EXPECT_EQ(finish["tid"], 14);  // to b's first kernel [6, 10)
  EXPECT_DOUBLE_EQ(finish["ts"].get<double>(), 8);
  EXPECT_EQ(finish["bp"], "e");
  EXPECT_GE(counters, 4);
}

TEST(KernelNodeMap, GraphNodesClonesAndCorrelationIds) {
  KernelNodeMap map;
  const LaunchTag conv{7, 12}, pool{7, 13};
  // Capture: conv created two graph nodes (a multi-kernel node), pool one.
  map.OnGraphNodeCreated(100, conv);
  map.OnGraphNodeCreated(101, conv);
  map.OnGraphNodeCreated(102, pool);
  // Instantiation cloned them; a second instantiation cloned a clone.
  map.OnGraphNodeCloned(100, 200);
  map.OnGraphNodeCloned(101, 201);
  map.OnGraphNodeCloned(102, 202);
  map.OnGraphNodeCloned(202, 302);
  map.OnGraphNodeCloned(999, 400);  // a node created outside any launch: stays unknown
  EXPECT_EQ(map.Find(200, 5), conv);
  EXPECT_EQ(map.Find(201, 5), conv);
  EXPECT_EQ(map.Find(302, 5), pool);
  EXPECT_FALSE(map.Find(400, 5).has_value());
  // Eager: kernels found by the correlation id of the API call made during the launch.
  map.OnApiCall(77, pool);
  EXPECT_EQ(map.Find(0, 77), pool);
  // A graph kernel is never matched by correlation (that id is the graph launch's).
  EXPECT_FALSE(map.Find(555, 77).has_value());
  map.ForgetApiCalls();
  EXPECT_FALSE(map.Find(0, 77).has_value());
  EXPECT_EQ(map.graph_nodes(), 7u);
}

TEST(KernelNodeMap, ThreadSafe) {
  KernelNodeMap map;
  constexpr int kThreads = 4, kCalls = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&map, t] {
      for (int i = 0; i < kCalls; ++i) {
        const uint64_t id = static_cast<uint64_t>(t) * kCalls + i + 1;
        map.OnGraphNodeCreated(id, {static_cast<uint64_t>(t + 1), i});
        map.OnGraphNodeCloned(id, id + 1000000);
        map.OnApiCall(id, {static_cast<uint64_t>(t + 1), i});
      }
    });
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kCalls; i += 97) {
      const uint64_t id = static_cast<uint64_t>(t) * kCalls + i + 1;
      const LaunchTag want{static_cast<uint64_t>(t + 1), i};
      EXPECT_EQ(map.Find(id + 1000000, 0), want);
      EXPECT_EQ(map.Find(0, id), want);
    }
}

}  // namespace
}  // namespace incept::profile

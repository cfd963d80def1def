// incept profile as a user runs it on the host backend: the JSON carries the table's data
// and the analysis, the trace has its lanes, flows and counter, and bad requests fail in
// one line with exit code 1.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "tests/host/cli_test_util.h"

namespace incept {
namespace {

using testing::RunCli;

const std::string kTorchvision =
    std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";

TEST(CliProfile, JsonAndTraceOnTheHost) {
  const std::string trace = ::testing::TempDir() + "profile_trace.json";
  auto r = RunCli("profile " + kTorchvision +
                  " --backend host --iterations 1 --no-ceilings --json --trace " + trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["backend"], "host");
  EXPECT_EQ(j["mode"], "concurrent");
  const nlohmann::json& p = j;
  EXPECT_GT(p["nodes"].size(), 50u);
  EXPECT_EQ(p["blocks"].size(), 9u);
  EXPECT_GT(p["critical_path_us"].get<double>(), 0);
  EXPECT_LE(p["critical_path_us"].get<double>(), p["node_sum_us"].get<double>() * 1.0001);
  EXPECT_EQ(p["nodes"][0]["bound"], "unknown");  // no ceilings measured
  for (const auto& node : p["nodes"]) {
    EXPECT_EQ(node["kernels"], 1);
    EXPECT_EQ(node["tactic"]["name"], "host");  // the host backend's one tactic
  }

  const nlohmann::json t = nlohmann::json::parse(testing::Slurp(trace));
  std::set<int> lanes;
  int flows_start = 0, flows_finish = 0, counters = 0;
  for (const auto& e : t["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") lanes.insert(e["tid"].get<int>());
    flows_start += e["ph"] == "s";
    flows_finish += e["ph"] == "f";
    counters += e["ph"] == "C";
  }
  EXPECT_EQ(lanes.size(), 4u);  // the plan's four streams
  EXPECT_GT(flows_start, 0);
  EXPECT_EQ(flows_start, flows_finish);
  EXPECT_GT(counters, 0);
}

TEST(CliProfile, TableWithBaseline) {
  auto r = RunCli("profile " + kTorchvision +
                  " --backend host --iterations 1 --no-ceilings --baseline --top 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("critical path:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Inception blocks"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("against the baseline"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("inception5b"), std::string::npos) << r.out;
}

TEST(CliProfile, OneLineErrors) {
  auto r = RunCli("profile " + kTorchvision + " --precision fp8");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("valid precisions are fp32, tf32, fp16, bf16"), std::string::npos) << r.err;
  EXPECT_EQ(testing::CountLines(r.err), 1) << r.err;
}

}  // namespace
}  // namespace incept

// incept run, plan and bench as a user runs them: outputs, JSON shapes, pictures, and
// one-line errors with exit code 1 for bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "host/io/npy.h"
#include "tests/host/cli_test_util.h"

namespace incept {
namespace {

using testing::RunCli;

const std::string kTorchvision =
    std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";
const std::string kCaffe = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet.json";

std::string Temp(const std::string& name) { return ::testing::TempDir() + name; }

TEST(CliRun, WritesLogitsAndPrintsTopK) {
  Tensor x({3, 3, 64, 64});
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] = float(i % 17) / 17.0f - 0.5f;
  SaveNpy(Temp("x.npy"), x);
  auto r = RunCli("run " + kTorchvision + " --input " + Temp("x.npy") + " --output " +
                  Temp("y.npy") + " --top 3 --backend host --poison");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Tensor y = LoadNpy(Temp("y.npy"));
  EXPECT_EQ(y.dims, (std::vector<int64_t>{3, 1000}));
  EXPECT_NE(r.out.find("image 2"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("random weights"), std::string::npos) << r.err;  // said plainly
}

TEST(CliRun, AutoFallsBackWithANotice) {
  auto r = RunCli("run " + kTorchvision + " --batch 1 --backend auto");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("backend"), std::string::npos);
}

TEST(CliRun, BadInputsAreOneLineErrors) {
  std::ofstream(Temp("not.npy")) << "hello";
  std::ofstream(Temp("not.png")) << "hello";
  Tensor rank3({3, 8, 8});
  SaveNpy(Temp("rank3.npy"), rank3);
  Tensor gray({1, 1, 64, 64});
  SaveNpy(Temp("gray.npy"), gray);
  Tensor tiny({1, 3, 8, 8});
  SaveNpy(Temp("tiny.npy"), tiny);
  const std::vector<std::string> cases = {
      "run " + kTorchvision + " --input " + Temp("not.npy"),
      "run " + kTorchvision + " --input " + Temp("rank3.npy"),
      "run " + kTorchvision + " --input " + Temp("gray.npy"),
      "run " + kTorchvision + " --input " + Temp("tiny.npy"),
      "run " + kTorchvision + " --image " + Temp("not.png"),
      "run " + kTorchvision + " --image /nonexistent.jpg",
      "run " + kTorchvision + " --weights /nonexistent.safetensors",
      "run " + kTorchvision + " --backend tpu",
  };
  for (const std::string& args : cases) {
    auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 1) << args << "\n" << r.err;
    // Notes may precede it; the error itself is the last line, and only one.
    EXPECT_NE(r.err.find("error: "), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(r.err.find("error: ", r.err.find("error: ") + 1), std::string::npos) << r.err;
  }
}

TEST(CliPlan, JsonHasFusionsStreamsAndMemory) {
  auto r = RunCli("plan " + kTorchvision + " --batch 8 --json --svg " + Temp("arena.svg") +
                  " --dot " + Temp("plan.dot"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["fusions"]["batchnorm_folded"], 57);
  EXPECT_EQ(j["fusions"]["concat_elided"], 9);
  EXPECT_GE(j["fusions"]["reduce_conv"].get<int>(), 18);
  EXPECT_GE(j["streams"].get<int>(), 3);
  const auto& m = j["memory"];
  EXPECT_LE(m["arena_bytes"].get<double>(), 1.15 * m["lower_bound_bytes"].get<double>());
  EXPECT_LT(m["arena_bytes"].get<double>(), 0.5 * m["naive_bytes"].get<double>());
  EXPECT_NE(testing::Slurp(Temp("arena.svg")).find("<svg"), std::string::npos);
  EXPECT_NE(testing::Slurp(Temp("plan.dot")).find("digraph"), std::string::npos);
}

TEST(CliPlan, OneStreamAndTable) {
  auto r = RunCli("plan " + kCaffe + " --batch 1 --streams 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("on 1 streams, 0 events"), std::string::npos) << r.out;
}

TEST(CliBench, JsonResultsPerBatch) {
  auto r = RunCli("bench " + kTorchvision +
                  " --backend host --batch 1,2 --iterations 1 --warmup 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_EQ(j["results"][1]["batch"], 2);
  EXPECT_EQ(j["results"][1]["backend"], "host");
  EXPECT_GT(j["results"][0]["images_per_second"].get<double>(), 0);
  EXPECT_GT(j["results"][0]["latency_ms"]["p90"].get<double>(), 0);
}

}  // namespace
}  // namespace incept

namespace incept {
namespace {

TEST(CliProfile, PerNodeTimesAndAChromeTrace) {
  const std::string trace = ::testing::TempDir() + "trace.json";
  auto r = testing::RunCli("profile " + std::string(INCEPT_SOURCE_DIR) +
                           "/model_zoo/googlenet_torchvision.json --backend host --batch 1 "
                           "--iterations 1 --json --trace " +
                           trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["nodes"].size(), 54u);  // every launch of the optimised plan, once
  EXPECT_GT(j["total_us"].get<double>(), 0);
  auto events = nlohmann::json::parse(testing::Slurp(trace))["traceEvents"];
  std::set<int> lanes;
  for (const auto& e : events)
    if (e["ph"] == "X") lanes.insert(e["tid"].get<int>());
  EXPECT_GE(lanes.size(), 3u);  // the Inception branches run on their own streams
}

}  // namespace
}  // namespace incept

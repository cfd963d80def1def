// incept bench --throughput on the host path: K contexts on K threads, a JSON report whose
// figures agree with each other, and option errors in one line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/host/cli_test_util.h"

namespace incept {
namespace {

using testing::RunCli;

const std::string kModel = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";

TEST(CliBenchThroughput, HostContextsReportConsistentFigures) {
  auto r = RunCli("bench " + kModel +
                  " --throughput --contexts 2 --seconds 0.5 --batch 1,2 --backend host --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 2u);
  for (const auto& result : j["results"]) {
    SCOPED_TRACE(result.dump());
    EXPECT_EQ(result["backend"], "host");
    EXPECT_EQ(result["mode"], "throughput");
    EXPECT_EQ(result["contexts"], 2);
    const double batches = result["batches"], seconds = result["seconds"];
    const double batch = result["batch"], ips = result["images_per_second"];
    EXPECT_GE(batches, 2);  // each context ran at least once
    EXPECT_GE(seconds, 0.5);
    EXPECT_NEAR(ips, batches * batch / seconds, 1e-6 * ips);
    EXPECT_GT(result["latency_ms"]["p50"].get<double>(), 0);
    EXPECT_LE(result["latency_ms"]["p50"].get<double>(), result["latency_ms"]["p99"].get<double>());
    EXPECT_TRUE(result["gpu_busy"].is_null());  // not a GPU measurement
  }
}

TEST(CliBenchThroughput, BadContextsIsOneLineError) {
  auto r = RunCli("bench " + kModel + " --throughput --contexts 0");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--contexts"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace incept

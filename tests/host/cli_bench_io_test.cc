// incept bench --io on the host backend: every record and the table name their io mode
// (pageable by default, as before the option), the baseline is matched per mode, and the
// modes the host backend cannot take (pinned, device), unknown modes and --io with
// --throughput are one-line errors that name what failed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/host/cli_test_util.h"

namespace incept {
namespace {

using testing::CountLines;
using testing::RunCli;

const std::string kModel = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";
const std::string kQuick = " --batch 1 --iterations 1 --warmup 1";

TEST(CliBenchIo, DefaultIsPageableInJsonAndTable) {
  auto r = RunCli("bench " + kModel + " --backend host --json" + kQuick);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["io"], "pageable");

  auto table = RunCli("bench " + kModel + " --backend host" + kQuick);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find(" io "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(" pageable "), std::string::npos) << table.out;
}

TEST(CliBenchIo, BaselineIsMatchedPerMode) {
  auto r = RunCli("bench " + kModel + " --backend host --io pageable,pageable --baseline --json" +
                  kQuick);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 2u);  // a mode named twice is measured once
  for (const auto& result : j["results"]) {
    EXPECT_EQ(result["io"], "pageable");
    if (result["variant"] == "optimized") {
      const double p50 = result["latency_ms"]["p50"];
      double base = 0;
      for (const auto& b : j["results"])
        if (b["variant"] == "baseline" && b["io"] == result["io"]) base = b["latency_ms"]["p50"];
      ASSERT_GT(base, 0);
      EXPECT_NEAR(result["speedup_vs_baseline"].get<double>(), base / p50, 1e-9 * base / p50);
    }
  }
}

TEST(CliBenchIo, DeviceMemoryOnTheHostBackendIsOneLineErrorNamingIt) {
  for (const std::string mode : {"device", "pinned", "pageable,device"}) {
    auto r = RunCli("bench " + kModel + " --backend host --io " + mode + kQuick);
    EXPECT_EQ(r.exit_code, 1) << mode;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("host backend"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << "nothing measured before the error: " << r.out;
  }
}

TEST(CliBenchIo, AutoEitherRunsOnCudaOrSaysWhyTheHostCannot) {
  auto r = RunCli("bench " + kModel + " --backend auto --io device --json" + kQuick);
  if (r.exit_code == 0) {  // a machine with a GPU
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["results"][0]["backend"], "cuda");
    EXPECT_EQ(j["results"][0]["io"], "device");
  } else {
    EXPECT_NE(r.err.find("--io device: the host backend has no device memory (auto chose it"),
              std::string::npos)
        << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(CliBenchIo, UnknownModeAndThroughputAreUsageErrors) {
  auto r = RunCli("bench " + kModel + " --io host");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("valid: pageable, pinned, device"), std::string::npos) << r.err;

  auto t = RunCli("bench " + kModel + " --throughput --io pinned");
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_NE(t.err.find("--io"), std::string::npos) << t.err;
}

TEST(CliBenchIo, HelpDescribesTheModes) {
  auto r = RunCli("bench --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* mode : {"--io", "pageable", "pinned", "device"})
    EXPECT_NE(r.out.find(mode), std::string::npos) << mode;
}

}  // namespace
}  // namespace incept

// --precision on the CLI: incept plan shows each value's type and layout (text and JSON),
// the host runs the rounding mode, an unknown name is a one-line usage error listing the
// valid ones.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "host/io/npy.h"
#include "tests/host/cli_test_util.h"
#include "tests/host/host_run_util.h"

namespace incept {
namespace {

using testing::RunCli;

const std::string kModel = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";

TEST(CliPrecision, PlanShowsTypesAndLayouts) {
  const auto r = RunCli("plan " + kModel + " --batch 2 --precision fp16 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["precision"], "fp16");
  int fp16_nhwc = 0;
  for (const auto& v : j["values"]) {
    if (v["name"] == "x" || v["name"] == "fc") {
      EXPECT_EQ(v["type"], "fp32") << v["name"];
      EXPECT_EQ(v["layout"], "NCHW") << v["name"];
    }
    fp16_nhwc += v["type"] == "fp16" && v["layout"] == "NHWC";
  }
  EXPECT_GT(fp16_nhwc, 50);
  const auto text = RunCli("plan " + kModel + " --precision bf16 --steps");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("precision bf16, per-value element types"), std::string::npos);
  EXPECT_NE(text.out.find("bf16 NHWC"), std::string::npos);
}

TEST(CliPrecision, UnknownPrecisionListsTheValidOnes) {
  const auto r = RunCli("run " + kModel + " --precision fp8");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown precision \"fp8\": valid precisions are fp32, tf32, fp16, bf16"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1);  // one line
}

// The same random batch through the fp32 host and the fp16 rounding mode: close (the
// bound of tests/host/precision_host_test.cc), not equal.
TEST(CliPrecision, HostRunsTheRoundingMode) {
  const std::string dir = ::testing::TempDir();
  const auto fp32 = RunCli("run " + kModel + " --backend host --output " + dir + "fp32.npy");
  ASSERT_EQ(fp32.exit_code, 0) << fp32.err;
  const auto fp16 =
      RunCli("run " + kModel + " --backend host --precision fp16 --output " + dir + "fp16.npy");
  ASSERT_EQ(fp16.exit_code, 0) << fp16.err;
  const double error = testing::RelativeL2(LoadNpy(dir + "fp16.npy"), LoadNpy(dir + "fp32.npy"));
  EXPECT_GT(error, 1e-6);
  EXPECT_LT(error, 50 * 0x1p-11);
}

}  // namespace
}  // namespace incept

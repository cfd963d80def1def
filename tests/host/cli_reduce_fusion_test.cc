// incept plan and incept profile as a user runs them: which reduce -> KxK pairs the plan
// fused and why, in text and --json.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/host/cli_test_util.h"

namespace incept {
namespace {

using testing::RunCli;

const std::string kZoo = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/";

TEST(CliReduceFusion, PlanSaysWhichPairsAreFusedAndWhy) {
  auto r = RunCli("plan " + kZoo + "googlenet_torchvision.json --batch 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("reduce    19 of 19 1x1 reduce -> KxK pairs fused for this plan:"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("inception4e.branch3.1.conv: fused (host default)"), std::string::npos);

  r = RunCli("plan " + kZoo + "googlenet_torchvision.json --batch 2 --no-fuse-reduce --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["fusions"]["reduce_conv"], 0);
  ASSERT_EQ(j["reduce_fusions"].size(), 19u);
  EXPECT_EQ(j["reduce_fusions"][0]["fused"], false);
  EXPECT_EQ(j["reduce_fusions"][0]["reason"], "option");
  EXPECT_EQ(j["reduce_fusions"][0]["pair"], "conv3.conv");
  EXPECT_EQ(j["reduce_fusions"][0]["reduce"], "conv2.conv");
}

TEST(CliReduceFusion, InceptionV3PairsAreListed) {
  auto r = RunCli("plan " + kZoo + "inception_v3_torchvision.json --batch 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The host fuses every pair, 1x7 and 7x1 included (its kernel takes any KxK).
  EXPECT_NE(r.out.find("reduce    20 of 20"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Mixed_6b.branch7x7_2.conv: fused (host default)"), std::string::npos)
      << r.out;
}

TEST(CliReduceFusion, ProfileListsThePlansPairs) {
  auto r = RunCli("profile " + kZoo + "googlenet_torchvision.json --batch 1 --iterations 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["reduce_fusions"].size(), 19u);
  EXPECT_EQ(j["reduce_fusions"][5]["reason"], "host default");
}

}  // namespace
}  // namespace incept

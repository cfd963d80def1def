// incept info as a user runs it: totals in --json, errors in one line with exit code 1.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/host/cli_test_util.h"

namespace incept {
namespace {

using testing::RunCli;

const std::string kZoo = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/";

TEST(CliInfo, JsonTotalsTorchvision) {
  auto r = RunCli("info " + kZoo + "googlenet_torchvision.json --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["parameters"], 6624904);
  EXPECT_EQ(j["macs"], 1498376192);
  EXPECT_GT(j["nodes"].size(), 100u);
  for (const auto& node : j["nodes"]) EXPECT_FALSE(node["aux"].get<bool>());
}

TEST(CliInfo, JsonTotalsCaffeWithAux) {
  auto r = RunCli("info " + kZoo + "googlenet.json --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["parameters"], 6998552);
  EXPECT_EQ(j["macs"], 1582671872);
  auto aux = nlohmann::json::parse(RunCli("info " + kZoo + "googlenet.json --json --with-aux").out);
  EXPECT_GT(aux["parameters"].get<int64_t>(), 6998552);
}

TEST(CliInfo, TableHasTotals) {
  auto r = RunCli("info " + kZoo + "googlenet_torchvision.json");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("6,624,904 parameters"), std::string::npos);
  EXPECT_NE(r.out.find("inception3a.branch2.1.conv"), std::string::npos);
}

TEST(CliInfo, HelpOnEveryCommand) {
  auto top = RunCli("--help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("info"), std::string::npos);
  auto info = RunCli("info --help");
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_NE(info.out.find("--with-aux"), std::string::npos);
}

TEST(CliInfo, ErrorsAreOneLineAndExitOne) {
  const std::vector<std::string> cases = {
      "info /nonexistent.json", "info", "info " + kZoo + "googlenet.json --bogus", "nosuchcommand"};
  for (const std::string& args : cases) {
    auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_EQ(testing::CountLines(r.err), 1) << args << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
}

TEST(CliInfo, MalformedModelNamesTheProblem) {
  const std::string path = ::testing::TempDir() + "broken_model.json";
  std::ofstream(path) << R"({"format": "incept-graph", "version": 1, "nodes": [)";
  auto r = RunCli("info " + path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not valid JSON"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace incept

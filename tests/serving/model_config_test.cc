// The Triton backend's reading of model configurations (serving/triton/model_config.h):
// settings and paths, completion of inputs and outputs from the model, and the checks of
// configured ones, without a server.
#include "serving/triton/model_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace incept::triton {
namespace {

using nlohmann::json;

ModelSignature GoogLeNetSignature() {
  ModelSignature s;
  s.input = {"x", {3, 224, 224}};
  s.outputs = {{"fc", {1000}}};
  return s;
}

json Base() {
  return json{{"name", "googlenet"},
              {"backend", "incept"},
              {"max_batch_size", 8},
              {"parameters",
               {{"model", {{"string_value", "net.json"}}},
                {"weights", {{"string_value", "/abs/w.safetensors"}}},
                {"precision", {{"string_value", "fp16"}}},
                {"streams", {{"string_value", "2"}}},
                {"seed", {{"string_value", "7"}}}}}};
}

TEST(ModelConfig, ReadsSettingsAndResolvesPaths) {
  const std::string dir = ::testing::TempDir() + "model_config_test";
  std::remove((dir + "/1/net.json").c_str());
  ModelSettings s = ReadModelSettings(Base().dump(), dir, dir + "/1");
  EXPECT_EQ(s.max_batch_size, 8);
  EXPECT_EQ(s.model_path, dir + "/net.json");  // not in the version directory
  EXPECT_EQ(s.weights_path, "/abs/w.safetensors");
  EXPECT_EQ(s.precision, "fp16");
  EXPECT_EQ(s.streams, 2);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_TRUE(s.inputs.empty());
}

TEST(ModelConfig, PrefersTheVersionDirectory) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/net.json") << "{}";
  ModelSettings s = ReadModelSettings(Base().dump(), "/elsewhere", dir);
  EXPECT_EQ(s.model_path, dir + "/net.json");
}

TEST(ModelConfig, NoWeightsMeansRandomWeights) {
  json c = Base();
  c["parameters"].erase("weights");
  c["max_batch_size"] = "4";  // int64 as a string, as protobuf's JSON may write it
  ModelSettings s = ReadModelSettings(c.dump(), "/m", "/m/1");
  EXPECT_TRUE(s.weights_path.empty());
  EXPECT_EQ(s.max_batch_size, 4);
}

TEST(ModelConfig, RefusesWhatItCannotTake) {
  json c = Base();
  c["max_batch_size"] = 0;
  EXPECT_THROW(ReadModelSettings(c.dump(), "/m", "/m/1"), std::runtime_error);
  c = Base();
  c["input"] = json::array({{{"name", "x"}, {"data_type", "TYPE_FP16"}, {"dims", {3, 224, 224}}}});
  EXPECT_THROW(ReadModelSettings(c.dump(), "/m", "/m/1"), std::runtime_error);
  c = Base();
  c["parameters"]["streams"] = {{"string_value", "four"}};
  EXPECT_THROW(ReadModelSettings(c.dump(), "/m", "/m/1"), std::runtime_error);
}

TEST(ModelConfig, CompletesInputsAndOutputsFromTheModel) {
  json c = Base();
  ModelSettings s = ReadModelSettings(c.dump(), "/m", "/m/1");
  json completed = json::parse(CompleteModelConfig(c.dump(), s, GoogLeNetSignature()));
  EXPECT_EQ(completed["input"][0]["name"], "x");
  EXPECT_EQ(completed["input"][0]["data_type"], "TYPE_FP32");
  EXPECT_EQ(completed["input"][0]["dims"], json({3, 224, 224}));
  EXPECT_EQ(completed["output"][0]["name"], "fc");
  EXPECT_EQ(completed["output"][0]["dims"], json({1000}));
  EXPECT_EQ(completed["max_batch_size"], 8);  // the rest kept
}

TEST(ModelConfig, ChecksConfiguredTensors) {
  json c = Base();
  c["input"] = json::array({{{"name", "x"}, {"data_type", "TYPE_FP32"}, {"dims", {3, -1, -1}}}});
  c["output"] = json::array({{{"name", "fc"}, {"data_type", "TYPE_FP32"}, {"dims", {1000}}}});
  ModelSettings s = ReadModelSettings(c.dump(), "/m", "/m/1");
  EXPECT_EQ(CompleteModelConfig(c.dump(), s, GoogLeNetSignature()), "");  // valid, unchanged

  c["input"][0]["dims"] = {-1, 224, 224};  // channels may not be a wildcard
  s = ReadModelSettings(c.dump(), "/m", "/m/1");
  EXPECT_THROW(CompleteModelConfig(c.dump(), s, GoogLeNetSignature()), std::runtime_error);
  c["input"][0]["dims"] = {3, 224, 224};
  c["input"][0]["name"] = "images";
  s = ReadModelSettings(c.dump(), "/m", "/m/1");
  EXPECT_THROW(CompleteModelConfig(c.dump(), s, GoogLeNetSignature()), std::runtime_error);
  c["input"][0]["name"] = "x";
  c["output"][0]["dims"] = {1001};
  s = ReadModelSettings(c.dump(), "/m", "/m/1");
  try {
    CompleteModelConfig(c.dump(), s, GoogLeNetSignature());
    ADD_FAILURE() << "wrong output dims accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("[1001]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[1000]"), std::string::npos) << e.what();
  }
  c["output"][0] = {{"name", "probabilities"}, {"data_type", "TYPE_FP32"}, {"dims", {1000}}};
  s = ReadModelSettings(c.dump(), "/m", "/m/1");
  EXPECT_THROW(CompleteModelConfig(c.dump(), s, GoogLeNetSignature()), std::runtime_error);
}

}  // namespace
}  // namespace incept::triton

// The CLI with ONNX files: info, plan, run (weights from the initializers, or replaced by
// --weights), convert to JSON + safetensors (which then run to the same logits), and
// one-line errors for bad files.
#include <gtest/gtest.h>

#include <fstream>

#include "host/io/npy.h"
#include "host/io/safetensors.h"
#include "tests/host/cli_test_util.h"
#include "tests/onnx/onnx_model_builder.h"

namespace incept::testing {
namespace {

std::string Temp(const std::string& name) { return ::testing::TempDir() + "onnx_cli_" + name; }

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Conv 3x3 (pad 1) + Relu + GlobalAveragePool + Flatten + Gemm: (N, 3, 8, 8) -> (N, 5).
std::string SmallModel() {
  OnnxBuilder b(13);
  b.Input("image", {-1, 3, 8, 8});
  b.Initializer("conv.weight", {4, 3, 3, 3}, Values(108, 1));
  b.Initializer("conv.bias", {4}, Values(4, 2));
  b.Initializer("fc.weight", {5, 4}, Values(20, 3));
  b.Initializer("fc.bias", {5}, Values(5, 4));
  b.Node("Conv", {"image", "conv.weight", "conv.bias"}, {"c"}).Ints("pads", {1, 1, 1, 1});
  b.Node("Relu", {"c"}, {"r"});
  b.Node("GlobalAveragePool", {"r"}, {"g"});
  b.Node("Flatten", {"g"}, {"f"});
  b.Node("Gemm", {"f", "fc.weight", "fc.bias"}, {"logits"}).Int("transB", 1);
  b.Output("logits");
  const std::string path = Temp("small.onnx");
  WriteFile(path, b.Bytes());
  return path;
}

std::string SmallInput() {
  Tensor x({2, 3, 8, 8});
  x.data = Values(x.elements(), 7);
  const std::string path = Temp("x.npy");
  SaveNpy(path, x);
  return path;
}

TEST(CliOnnx, InfoAndPlanReadOnnx) {
  const std::string model = SmallModel();
  auto info = RunCli("info " + model);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("logits"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("Linear"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("137 parameters"), std::string::npos) << info.out;  // 112 + 25
  auto plan = RunCli("plan " + model + " --batch 2");
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
}

TEST(CliOnnx, RunUsesInitializersAndConvertRoundTrips) {
  const std::string model = SmallModel(), x = SmallInput();
  auto run = RunCli("run " + model + " --input " + x + " --output " + Temp("y.npy") +
                    " --backend host --top 1");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err.find("random weights"), std::string::npos) << run.err;
  const Tensor y = LoadNpy(Temp("y.npy"));
  EXPECT_EQ(y.elements(), 10);

  auto conv = RunCli("convert " + model + " -o " + Temp("small.json") + " --weights-out " +
                     Temp("small.safetensors"));
  ASSERT_EQ(conv.exit_code, 0) << conv.err;
  EXPECT_NE(conv.out.find("opset 13"), std::string::npos) << conv.out;
  auto rerun = RunCli("run " + Temp("small.json") + " --weights " + Temp("small.safetensors") +
                      " --input " + x + " --output " + Temp("y2.npy") + " --backend host");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(LoadNpy(Temp("y2.npy")).data, y.data);

  // --weights replaces tensors by name: doubling the fc bias moves every logit by it.
  WeightMap w = LoadSafetensors(Temp("small.safetensors"));
  for (float& v : w.at("fc.bias").data) v += 1.0f;
  SaveSafetensors(Temp("bias.safetensors"), {{"fc.bias", w.at("fc.bias")}});
  auto over = RunCli("run " + model + " --weights " + Temp("bias.safetensors") + " --input " + x +
                     " --output " + Temp("y3.npy") + " --backend host");
  ASSERT_EQ(over.exit_code, 0) << over.err;
  const Tensor y3 = LoadNpy(Temp("y3.npy"));
  for (int64_t i = 0; i < y.elements(); ++i) EXPECT_NEAR(y3.data[i], y.data[i] + 1.0f, 1e-5);
}

TEST(CliOnnx, HelpAndBadFiles) {
  auto help = RunCli("convert --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--weights-out"), std::string::npos) << help.out;

  WriteFile(Temp("junk.onnx"), "\x08\x07 this is not an onnx file \xff\xff");
  const std::string full = [] {
    std::ifstream in(SmallModel(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  WriteFile(Temp("cut.onnx"), full.substr(0, full.size() / 2));
  for (const std::string& args :
       {"run " + Temp("junk.onnx"), "info " + Temp("cut.onnx"),
        "convert " + Temp("junk.onnx") + " -o " + Temp("j.json"), "run " + Temp("missing.onnx")}) {
    auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_EQ(CountLines(r.err), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find("error: "), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace incept::testing

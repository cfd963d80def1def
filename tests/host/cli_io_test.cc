// incept's handling of what users feed it: a batch too large for the machine, .npy inputs
// of other dtypes, weights holding NaN or Inf, and progress lines written to a file.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "graph/json_io.h"
#include "graph/shape_inference.h"
#include "host/io/safetensors.h"
#include "host/random_weights.h"
#include "tests/host/cli_test_util.h"

namespace incept {
namespace {

using testing::CountLines;
using testing::RunCli;

const std::string kTorchvision =
    std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";

std::string Temp(const std::string& name) { return ::testing::TempDir() + "cli_io_" + name; }

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

// A version-1.0 .npy file of raw data under a header (padded as numpy pads it).
void WriteNpy(const std::string& path, const std::string& descr, const std::string& shape,
              const std::vector<uint8_t>& data) {
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const char length[2] = {static_cast<char>(header.size() & 0xff),
                          static_cast<char>(header.size() >> 8)};
  out.write(length, 2);
  out << header;
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

TEST(CliIo, AnOversizedBatchSaysHowMuchItNeedsInsteadOfBadAlloc) {
  // The largest batch --batch takes, 2^20 images of 3x224x224 floats: 588 GiB of input
  // alone (and four times that of activations), more than the machines we run on have.
  auto r = RunCli("run " + kTorchvision + " --batch 1048576 --backend host");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(CountLines(r.err), 1 + 1) << r.err;  // the random-weights note, then the error
  EXPECT_HAS(r.err, "error: batch 1048576 needs 588.0 GiB for its random input, ");
  EXPECT_HAS(r.err, " available; use a smaller --batch");
  EXPECT_EQ(r.err.find("bad_alloc"), std::string::npos) << r.err;
}

TEST(CliIo, NpyInputOfAnotherDtypeIsConvertedWithANote) {
  WriteNpy(Temp("u8.npy"), "|u1", "(1, 3, 64, 64)", std::vector<uint8_t>(3 * 64 * 64, 7));
  auto r = RunCli("run " + kTorchvision + " --input " + Temp("u8.npy") + " --backend host --top 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.err, "note: " + Temp("u8.npy") + ": uint8 input converted to float32 (exactly)\n");
}

TEST(CliIo, NpyInputOfANonNumericDtypeIsAOneLineError) {
  WriteNpy(Temp("bool.npy"), "|b1", "(1, 3, 8, 8)", std::vector<uint8_t>(3 * 8 * 8, 1));
  auto r = RunCli("run " + kTorchvision + " --input " + Temp("bool.npy") + " --backend host");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_HAS(r.err, Temp("bool.npy") + ": dtype '|b1': bool arrays are not numeric input");
}

// The image preprocessing crops 224x224: a model of another input size (Inception-v3,
// 299x299) is told so before any image is read, not run on the wrong size.
TEST(CliIo, ImagesForAModelOfAnotherInputSizeAreAOneLineError) {
  const std::string v3 =
      std::string(INCEPT_SOURCE_DIR) + "/model_zoo/inception_v3_torchvision.json";
  auto r = RunCli("run " + v3 + " --image " + Temp("any.png") + " --backend host");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_HAS(r.err, "crops images to 224x224, but the model takes 299x299");
  EXPECT_EQ(r.err.find("error"), r.err.rfind("error")) << r.err;  // one error line
}

TEST(CliIo, NonFiniteWeightsAreNamedInAWarning) {
  Graph graph = LoadGraph(kTorchvision);
  WeightMap weights = RandomWeights(graph, 3);
  weights.at("fc.weight").data[17] = std::numeric_limits<float>::quiet_NaN();
  weights.at("conv1.conv.weight").data[0] = std::numeric_limits<float>::infinity();
  SaveSafetensors(Temp("nan.safetensors"), weights);
  WriteNpy(Temp("u8.npy"), "|u1", "(1, 3, 64, 64)", std::vector<uint8_t>(3 * 64 * 64, 7));
  auto r = RunCli("run " + kTorchvision + " --weights " + Temp("nan.safetensors") + " --input " +
                  Temp("u8.npy") + " --backend host --top 1");
  // It still runs (the user may want to see what comes out), but says which tensors.
  EXPECT_HAS(r.err, "warning: " + Temp("nan.safetensors") +
                        ": tensor \"conv1.conv.weight\" holds 0 NaN and 1 Inf of 9408 values "
                        "(first at element 0)\n");
  EXPECT_HAS(r.err,
             "tensor \"fc.weight\" holds 1 NaN and 0 Inf of 1024000 values "
             "(first at element 17)\n");
  size_t warnings = 0;  // the finite tensors are not named
  for (size_t at = r.err.find("warning: "); at != std::string::npos;
       at = r.err.find("warning: ", at + 1))
    ++warnings;
  EXPECT_EQ(warnings, 2u) << r.err;
}

TEST(CliIo, ProgressLinesEndWithANewlineWhenStderrIsAFile) {
  auto r = RunCli("profile " + kTorchvision + " --backend host --batch 1 --iterations 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_HAS(r.err, "profiled run 1/2\nprofiled run 2/2\n");
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;

  auto b = RunCli("bench " + kTorchvision + " --backend host --batch 1 --iterations 2 --warmup 1");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_HAS(b.err, "batch 1 pageable: 1/2\n");  // the io mode of bench --io
  EXPECT_HAS(b.err, "batch 1 pageable: 2/2\n");
  EXPECT_EQ(b.err.find('\r'), std::string::npos) << b.err;
}

}  // namespace
}  // namespace incept

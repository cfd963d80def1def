// The tensor-core fused reduce conv on the GPU against the host reference that rounds like
// the device (tests/emu/fused_reduce_conv_tc_ref.h): all 19 GoogLeNet pairs at their real
// sizes, fp16 at batch 1 and 3 and bf16 at batch 1, 8- and 4-row tiles, with the output
// channels in one block and split across blocks (64 per block), into an NHWC concat slice whose
// other channels must stay untouched. Skips without a device (label gpu).
#include "cuda/fused_reduce_conv_tc.cuh"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/cuda/gpu_test_util.h"
#include "tests/emu/fused_reduce_conv_tc_ref.h"

namespace incept {
namespace {

using gpu_test::DeviceBuffer;
using simt::TcElement;
using tc_testing::Pair;
using tc_testing::Problem;

constexpr uint16_t kSentinelBits = 0x5a5a;
constexpr int kSliceOffset = 8, kSliceExtra = 8;

void CheckOnDevice(const std::string& name, const Problem& pr, const std::vector<float>& want,
                   int cout_per_block, int tile_h) {
  const auto packed =
      simt::PackFusedReduceConvTcWeights(pr.element, pr.attrs, pr.w1.data(), pr.w2.data());
  DeviceBuffer<uint16_t> x(pr.x), w1(packed.reduce_weight), w2(packed.weight);
  DeviceBuffer<float> b1(pr.b1), b2(pr.b2);
  const int64_t pixels = pr.out_shape.n * pr.out_shape.h * pr.out_shape.w;
  const int64_t stride = kSliceOffset + pr.out_shape.c + kSliceExtra;
  DeviceBuffer<uint16_t> out(
      std::vector<uint16_t>(static_cast<size_t>(pixels * stride), kSentinelBits));
  simt::FusedReduceConvTcArgs args;
  args.element = pr.element;
  args.in_shape = pr.in_shape;
  args.in = x.get();
  args.reduce_weight = w1.get();
  args.reduce_bias = b1.get();
  args.weight = w2.get();
  args.bias = b2.get();
  args.attrs = pr.attrs;
  args.out_shape = pr.out_shape;
  args.out = out.get();
  args.out_pixel_stride = stride;
  args.out_channel_offset = kSliceOffset;
  args.cout_per_block = cout_per_block;
  args.tile_h = tile_h;
  cuda::FusedReduceConvTcForward(args, nullptr);
  const std::vector<uint16_t> bits = out.Download();
  std::vector<float> got;
  bool untouched = true;
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t c = 0; c < stride; ++c) {
      const uint16_t b = bits[static_cast<size_t>(p * stride + c)];
      if (c >= kSliceOffset && c < kSliceOffset + pr.out_shape.c)
        got.push_back(simt::TcValue(pr.element, b));
      else if (b != kSentinelBits)
        untouched = false;
    }
  const auto e = tc_testing::Compare(got, want);
  std::printf("  %-34s normalised %.2e, max/|ref|max %.2e\n", name.c_str(), e.normalised,
              e.max_relative);
  EXPECT_FALSE(e.nan) << name;
  EXPECT_LE(e.normalised, tc_testing::NormalisedBound(pr.element)) << name;
  EXPECT_LE(e.max_relative, tc_testing::MaxRelativeBound(pr.element)) << name;
  EXPECT_TRUE(untouched) << name << ": wrote outside its channel slice";
}

class GpuFusedReduceConvTcTest : public ::testing::TestWithParam<Pair> {};

TEST_P(GpuFusedReduceConvTcTest, MatchesTheRoundingHostAtFullSize) {
  INCEPT_REQUIRE_GPU();
  const Pair& p = GetParam();
  const FusedReduceConvAttrs attrs = tc_testing::AttrsOf(p);
  struct Run {
    TcElement element;
    int batch;
  };
  for (const Run run :
       {Run{TcElement::kHalf, 1}, Run{TcElement::kHalf, 3}, Run{TcElement::kBFloat16, 1}}) {
    const Problem pr(run.element, attrs, run.batch, p.map, p.map, 40 + run.batch);
    const std::vector<float> want = pr.Reference();
    const std::string name = std::string(p.name) + "_" + simt::TcElementName(run.element) + "_b" +
                             std::to_string(run.batch);
    CheckOnDevice(name, pr, want, 0, 8);
    CheckOnDevice(name + "_cout64", pr, want, 64, 8);
    CheckOnDevice(name + "_tile4", pr, want, 0, 4);
    CheckOnDevice(name + "_tile4_cout64", pr, want, 64, 4);
  }
}

INSTANTIATE_TEST_SUITE_P(GoogLeNet, GpuFusedReduceConvTcTest,
                         ::testing::ValuesIn(tc_testing::GoogLeNetPairs()),
                         [](const ::testing::TestParamInfo<Pair>& info) {
                           return std::string(info.param.name);
                         });

TEST(GpuFusedReduceConvTc, OddChannelCounts) {
  INCEPT_REQUIRE_GPU();
  const FusedReduceConvAttrs a = tc_testing::AttrsOf({"odd", 37, 0, 20, 40, 3});
  const Problem pr(TcElement::kHalf, a, 3, 10, 9, 5);
  CheckOnDevice("cin37_cr20_cout40_10x9", pr, pr.Reference(), 0, 8);
  CheckOnDevice("cin37_cr20_cout40_10x9_tile4", pr, pr.Reference(), 0, 4);
}

}  // namespace
}  // namespace incept

// The tensor-core fused reduce conv through the emulator (wmma emulated, cuda/emu/wmma_emu.h)
// against the host reference that rounds like the device (tests/emu/fused_reduce_conv_tc_ref.h):
//   - all 19 GoogLeNet pairs, fp16, batch 1 and 3, at a reduced spatial size that keeps
//     image borders, partial tiles and tile seams: 7x7 maps at full size, 14x14 and larger
//     maps cut to 12x12 (batch 1) and 9x9 (batch 3); every channel count is the real one;
//   - 4-row tiles on three pairs at batch 1 and 3 and an odd shape;
//   - bf16 on a 3x3 and a 5x5 pair; output channels split across blocks (the reduce
//     recomputed per chunk); odd shapes: channels not multiples of 16 or 8, non-square map,
//     no bias / no activation; the output written into an NHWC concat slice (the rest of the
//     buffer must stay untouched);
//   - the emulated wmma itself: mma_sync against a plain product for each shape and layout,
//     and a warp whose lanes diverge around a collective call is an error.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cuda/emu/fused_reduce_conv_tc_emu.h"
#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/tc_types.cuh"
#include "graph/error.h"
#include "tests/emu/fused_reduce_conv_tc_ref.h"

namespace incept {
namespace {

using simt::TcElement;
using tc_testing::Pair;
using tc_testing::Problem;

constexpr uint16_t kSentinelBits = 0x5a5a;

struct RunResult {
  std::vector<float> dense;  // the slice, NHWC dense
  bool outside_untouched = true;
};

// Runs the emulated kernel into channels [offset, offset + Cout) of a buffer of
// offset + Cout + extra channels per pixel.
RunResult RunEmu(const Problem& pr, int cout_per_block, int offset, int extra, int tile_h) {
  const FusedReduceConvAttrs& a = pr.attrs;
  const auto packed = simt::PackFusedReduceConvTcWeights(pr.element, a, pr.w1.data(), pr.w2.data());
  const tc_testing::AlignedBits w1(packed.reduce_weight), w2(packed.weight);
  const int64_t pixels = pr.out_shape.n * pr.out_shape.h * pr.out_shape.w;
  const int64_t stride = offset + pr.out_shape.c + extra;
  std::vector<uint16_t> out(static_cast<size_t>(pixels * stride), kSentinelBits);
  simt::FusedReduceConvTcArgs args;
  args.element = pr.element;
  args.in_shape = pr.in_shape;
  args.in = pr.x.data();
  args.reduce_weight = w1.data();
  args.reduce_bias = pr.b1.data();
  args.weight = w2.data();
  args.bias = a.conv.has_bias ? pr.b2.data() : nullptr;
  args.attrs = a;
  args.out_shape = pr.out_shape;
  args.out = out.data();
  args.out_pixel_stride = stride;
  args.out_channel_offset = offset;
  args.cout_per_block = cout_per_block;
  args.tile_h = tile_h;
  emu_kernels::FusedReduceConvTcForward(args);
  RunResult r;
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t c = 0; c < stride; ++c) {
      const uint16_t bits = out[static_cast<size_t>(p * stride + c)];
      if (c >= offset && c < offset + pr.out_shape.c)
        r.dense.push_back(simt::TcValue(pr.element, bits));
      else if (bits != kSentinelBits)
        r.outside_untouched = false;
    }
  return r;
}

void ExpectMatches(const std::string& name, const Problem& pr, int cout_per_block = 0,
                   int offset = 0, int extra = 0, int tile_h = 0) {
  const auto start = std::chrono::steady_clock::now();
  const RunResult got = RunEmu(pr, cout_per_block, offset, extra, tile_h);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto e = tc_testing::Compare(got.dense, pr.Reference());
  std::printf("  %-28s %s n=%lld %lldx%lld: normalised %.2e, max/|ref|max %.2e (%.2f s)\n",
              name.c_str(), simt::TcElementName(pr.element), static_cast<long long>(pr.in_shape.n),
              static_cast<long long>(pr.in_shape.h), static_cast<long long>(pr.in_shape.w),
              e.normalised, e.max_relative, seconds);
  EXPECT_FALSE(e.nan) << name;
  EXPECT_LE(e.normalised, tc_testing::NormalisedBound(pr.element)) << name;
  EXPECT_LE(e.max_relative, tc_testing::MaxRelativeBound(pr.element)) << name;
  EXPECT_TRUE(got.outside_untouched) << name << ": wrote outside its channel slice";
}

int ReducedMap(int map, int batch) {
  if (map <= 7) return map;
  return batch == 1 ? 12 : 9;
}

class GoogLeNetPairTest : public ::testing::TestWithParam<Pair> {};

TEST_P(GoogLeNetPairTest, Fp16Batch1And3MatchTheRoundingHost) {
  const Pair& p = GetParam();
  for (int batch : {1, 3}) {
    const int m = ReducedMap(p.map, batch);
    const Problem pr(TcElement::kHalf, tc_testing::AttrsOf(p), batch, m, m, 100 + batch);
    ExpectMatches(std::string(p.name) + "_b" + std::to_string(batch), pr, 0, /*offset=*/8,
                  /*extra=*/8);
  }
}

INSTANTIATE_TEST_SUITE_P(AllNineteen, GoogLeNetPairTest,
                         ::testing::ValuesIn(tc_testing::GoogLeNetPairs()),
                         [](const ::testing::TestParamInfo<Pair>& info) {
                           return std::string(info.param.name);
                         });

TEST(FusedReduceConvTc, Bf16On3x3And5x5) {
  for (const char* name : {"4d_3x3", "3b_5x5"})
    for (const Pair& p : tc_testing::GoogLeNetPairs())
      if (std::string(p.name) == name) {
        const Problem pr(TcElement::kBFloat16, tc_testing::AttrsOf(p), 2, 10, 10, 7);
        ExpectMatches(std::string(name) + "_bf16", pr, 0, 16, 0);
      }
}

TEST(FusedReduceConvTc, OutputChannelsSplitAcrossBlocks) {
  const Pair p{"4e_3x3", 528, 14, 160, 320, 3};
  const Problem pr(TcElement::kHalf, tc_testing::AttrsOf(p), 1, 9, 9, 21);
  ExpectMatches("4e_3x3_cout_per_block_64", pr, 64);
  ExpectMatches("4e_3x3_cout_per_block_100", pr, 100);  // rounded up to 128
}

TEST(FusedReduceConvTc, FourRowTiles) {
  for (const char* name : {"4c_3x3", "4d_5x5", "5b_3x3"})
    for (const Pair& p : tc_testing::GoogLeNetPairs())
      if (std::string(p.name) == name)
        for (int batch : {1, 3}) {
          const int m = ReducedMap(p.map, batch);
          const Problem pr(TcElement::kHalf, tc_testing::AttrsOf(p), batch, m, m, 30 + batch);
          ExpectMatches(std::string(name) + "_tile4_b" + std::to_string(batch), pr,
                        batch == 1 ? 64 : 0, 4, 4, /*tile_h=*/4);
        }
  const FusedReduceConvAttrs a = tc_testing::AttrsOf({"odd", 37, 0, 20, 40, 5});
  ExpectMatches("cin37_cr20_cout40_tile4", Problem(TcElement::kBFloat16, a, 2, 10, 9, 5), 0, 0, 0,
                4);
}

TEST(FusedReduceConvTc, OddChannelCountsAndMaps) {
  // Cin 37 (not a multiple of 8: scalar staging), Cr 20, Cout 40, a 10x9 map, 3x3.
  FusedReduceConvAttrs a = tc_testing::AttrsOf({"odd", 37, 0, 20, 40, 3});
  ExpectMatches("cin37_cr20_cout40_10x9", Problem(TcElement::kHalf, a, 3, 10, 9, 5), 0, 3, 5);
  // Cin 24 (vector staging, one partial 32-channel chunk), Cr 12, Cout 70, 5x5 on 7x11.
  a = tc_testing::AttrsOf({"odd5", 24, 0, 12, 70, 5});
  ExpectMatches("cin24_cr12_cout70_7x11", Problem(TcElement::kHalf, a, 2, 7, 11, 6), 64, 0, 0);
  // No bias, no activation (negative outputs pass), a 1x1 map (all halo outside but one).
  a = tc_testing::AttrsOf({"nobias", 16, 0, 16, 32, 3});
  a.conv.has_bias = false;
  a.conv.activation = Activation::kNone;
  ExpectMatches("no_bias_no_activation_1x1", Problem(TcElement::kHalf, a, 1, 1, 1, 8));
  ExpectMatches("no_bias_no_activation_3x5", Problem(TcElement::kBFloat16, a, 1, 3, 5, 9));
}

TEST(FusedReduceConvTc, TheCapabilityQueryNamesWhatIsUnsupported) {
  FusedReduceConvAttrs a = tc_testing::AttrsOf(tc_testing::GoogLeNetPairs()[1]);
  std::string why;
  EXPECT_TRUE(emu_kernels::SupportsFusedReduceConvTc(a, &why));
  a.conv.window.kernel_w = 1;
  EXPECT_FALSE(emu_kernels::SupportsFusedReduceConvTc(a, &why));
  EXPECT_EQ(why, "non-square kernel");
  a.conv.window = {7, 7, 1, 1, 3, 3, 3, 3};
  EXPECT_FALSE(emu_kernels::SupportsFusedReduceConvTc(a, &why));
  a.conv.window = {3, 3, 2, 2, 1, 1, 1, 1};
  EXPECT_FALSE(emu_kernels::SupportsFusedReduceConvTc(a, &why));
  EXPECT_EQ(why, "stride not 1");
  // 3x3, Cr 96: z fp16 + fp32 accumulators over 112 rows, a 112x32 input chunk, 8 scratches.
  a = tc_testing::AttrsOf(tc_testing::GoogLeNetPairs()[1]);
  EXPECT_EQ(emu_kernels::FusedReduceConvTcSharedBytes(a),
            112u * 96u * 2u + 112u * 96u * 4u + 112u * 32u * 2u + 8u * 256u * 4u);
  // 4-row tiles: a 6x10 halo, 64 rows.
  EXPECT_EQ(emu_kernels::FusedReduceConvTcSharedBytes(a, 4),
            64u * 96u * 2u + 64u * 96u * 4u + 64u * 32u * 2u + 8u * 256u * 4u);
  a.reduce_channels = 700;  // too much shared memory even with 4-row tiles: refused
  EXPECT_FALSE(emu_kernels::SupportsFusedReduceConvTc(a, &why));
  EXPECT_NE(why.find("insufficient shared memory"), std::string::npos) << why;
}

TEST(FusedReduceConvTc, RejectsBadArgumentsWithAnError) {
  const Pair& p = tc_testing::GoogLeNetPairs()[2];
  const Problem pr(TcElement::kHalf, tc_testing::AttrsOf(p), 1, 8, 8, 1);
  const auto packed =
      simt::PackFusedReduceConvTcWeights(pr.element, pr.attrs, pr.w1.data(), pr.w2.data());
  const tc_testing::AlignedBits w1(packed.reduce_weight), w2(packed.weight);
  std::vector<uint16_t> out(static_cast<size_t>(pr.out_shape.elements()));
  simt::FusedReduceConvTcArgs args;
  args.in_shape = pr.in_shape;
  args.in = pr.x.data();
  args.reduce_weight = w1.data();
  args.reduce_bias = pr.b1.data();
  args.weight = w2.data();
  args.attrs = pr.attrs;
  args.out_shape = pr.out_shape;
  args.out = out.data();
  auto message = [&](simt::FusedReduceConvTcArgs bad) -> std::string {
    try {
      emu_kernels::FusedReduceConvTcForward(bad);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  auto bad = args;
  bad.out_shape.h = 7;
  EXPECT_NE(message(bad).find("output shape"), std::string::npos) << message(bad);
  bad = args;
  bad.weight = nullptr;
  EXPECT_NE(message(bad).find("weight is null"), std::string::npos) << message(bad);
  bad = args;
  bad.out_channel_offset = 4;  // a dense pixel of Cout channels has no room
  EXPECT_NE(message(bad).find("outside a pixel"), std::string::npos) << message(bad);
  bad = args;
  bad.weight = w2.data() + 1;
  EXPECT_NE(message(bad).find("32-byte aligned"), std::string::npos) << message(bad);
  bad = args;
  bad.tile_h = 6;
  EXPECT_NE(message(bad).find("tile_h 6"), std::string::npos) << message(bad);
  bad = args;
  bad.attrs.in_channels = 100;
  EXPECT_NE(message(bad).find("in_channels"), std::string::npos) << message(bad);
}

// ---- the emulated warp matrix API ------------------------------------------------------------
namespace wmma = nvcuda::wmma;

template <int M, int N, int K, typename BLayout>
__global__ void OneMma(const __half* a, const __half* b, float* c, int b_ld) {
  wmma::fragment<wmma::matrix_a, M, N, K, __half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, M, N, K, __half, BLayout> fb;
  wmma::fragment<wmma::accumulator, M, N, K, float> fc;
  wmma::load_matrix_sync(fc, c, N, wmma::mem_row_major);
  wmma::load_matrix_sync(fa, a, K);
  wmma::load_matrix_sync(fb, b, static_cast<unsigned>(b_ld));
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::store_matrix_sync(c, fc, N, wmma::mem_row_major);
}

template <int M, int N, int K, typename BLayout>
void CheckOneMma() {
  constexpr bool kColB = std::is_same<BLayout, wmma::col_major>::value;
  alignas(32) __half a[M * K], b[K * N];
  alignas(32) float c[M * N];
  std::vector<double> want(M * N);
  for (int i = 0; i < M * K; ++i) a[i] = __float2half_rn(0.01f * ((i * 7) % 23 - 11));
  for (int i = 0; i < K * N; ++i) b[i] = __float2half_rn(0.02f * ((i * 5) % 19 - 9));
  for (int i = 0; i < M * N; ++i) c[i] = 0.5f * (i % 3);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = c[i * N + j];
      for (int k = 0; k < K; ++k)
        s += double(__half2float(a[i * K + k])) * __half2float(kColB ? b[j * K + k] : b[k * N + j]);
      want[i * N + j] = s;
    }
  emu::Launch("OneMma", &OneMma<M, N, K, BLayout>, dim3(1), dim3(32), 0, a, b, c, kColB ? K : N);
  for (int i = 0; i < M * N; ++i) EXPECT_NEAR(c[i], want[i], 1e-5) << M << "x" << N << " at " << i;
}

TEST(WmmaEmulation, MmaSyncIsTheMatrixProductForEachShapeAndLayout) {
  CheckOneMma<16, 16, 16, wmma::row_major>();
  CheckOneMma<16, 16, 16, wmma::col_major>();
  CheckOneMma<8, 32, 16, wmma::col_major>();
  CheckOneMma<32, 8, 16, wmma::row_major>();
}

__global__ void DivergentLoad(const __half* a, int skip_lane) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
  if (static_cast<int>(threadIdx.x % 32) == skip_lane) return;
  wmma::load_matrix_sync(fa, a, 16);
}

__global__ void NonUniformPointer(const __half* a) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
  wmma::load_matrix_sync(fa, a + (threadIdx.x % 32 == 3 ? 16 : 0), 16);
}

TEST(WmmaEmulation, CollectiveCallsMustBeMadeByTheWholeWarpAlike) {
  alignas(32) __half a[32 * 16] = {};
  const __half* pa = a;
  EXPECT_NO_THROW(emu::Launch("DivergentLoad", &DivergentLoad, dim3(2), dim3(64), 0, pa, -1));
  for (int lane : {0, 5, 31}) {
    try {
      emu::Launch("DivergentLoad", &DivergentLoad, dim3(1), dim3(64), 0, pa, lane);
      ADD_FAILURE() << "lane " << lane << " skipping a collective call went unnoticed";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("wmma"), std::string::npos) << e.what();
    }
  }
  try {
    emu::Launch("NonUniformPointer", &NonUniformPointer, dim3(1), dim3(32), 0, pa);
    ADD_FAILURE() << "a lane-dependent pointer went unnoticed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("warp-uniform"), std::string::npos) << e.what();
  }
  // Misaligned pointers are refused as the hardware would.
  EXPECT_THROW(emu::Launch("NonUniformPointer", &NonUniformPointer, dim3(1), dim3(32), 0, pa + 1),
               Error);
}

}  // namespace
}  // namespace incept

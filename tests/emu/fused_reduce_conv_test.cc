// The fused reduce conv SIMT kernel through the emulator, against the unfused naive
// reference and the host backend's FusedReduceConvForward: GoogLeNet-like 3x3 and 5x5
// branches, batch 1 and 3, partial tiles, input channels that are not a multiple of the
// chunk, output channels beyond one pass, stride 2, 1x1 and 7x7 kernels, Inception-v3's
// 1x7 / 7x1 / 1x3 / 3x1 kernels, and an output slice.
// The reduce bias is positive, so relu(b1) != 0 and padding taken as relu(b1) would show.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cuda/emu/emu_kernels.h"
#include "cuda/kernels/fused_reduce_conv_kernel.cuh"
#include "graph/error.h"
#include "tests/emu/emu_test_util.h"
#include "tests/emu/naive_reference.h"

#if __has_include("host/kernels/fused_reduce_conv.h")
#include "host/kernels/fused_reduce_conv.h"
#define INCEPT_HAVE_HOST_FUSED_REDUCE_CONV 1
#endif

namespace incept {
namespace {

using testing_util::Close;
using testing_util::HostTensor;
using testing_util::RandomVector;
using testing_util::SliceOutput;

struct FusedCase {
  const char* name;
  Shape in;
  int reduce_channels, out_channels;
  Window2d window;
  Activation activation;
  bool has_bias;
};

const FusedCase kCases[] = {
    {"inception_3x3_partial_tiles",
     {1, 24, 12, 12},
     12,
     20,
     {3, 3, 1, 1, 1, 1, 1, 1},
     Activation::kReLU,
     true},
    {"inception_5x5_batch3_two_passes",
     {3, 10, 9, 11},
     6,
     40,
     {5, 5, 1, 1, 2, 2, 2, 2},
     Activation::kReLU,
     true},
    {"input_channels_not_a_multiple_of_the_chunk",
     {1, 37, 5, 6},
     9,
     7,
     {3, 3, 1, 1, 1, 1, 1, 1},
     Activation::kReLU,
     true},
    {"stride2_asymmetric_pad_no_activation",
     {3, 7, 13, 10},
     5,
     6,
     {3, 3, 2, 2, 1, 1, 0, 0},
     Activation::kNone,
     true},
    {"one_exact_tile_no_padding_no_bias",
     {1, 6, 10, 10},
     3,
     4,
     {3, 3, 1, 1, 0, 0, 0, 0},
     Activation::kReLU,
     false},
    {"kernel7_pad3", {1, 3, 9, 9}, 4, 3, {7, 7, 1, 1, 3, 3, 3, 3}, Activation::kReLU, true},
    {"kernel1_batch3", {3, 8, 5, 5}, 4, 5, {1, 1, 1, 1, 0, 0, 0, 0}, Activation::kReLU, true},
    {"googlenet_inception3a_5x5",
     {1, 192, 28, 28},
     16,
     32,
     {5, 5, 1, 1, 2, 2, 2, 2},
     Activation::kReLU,
     true},
    {"kernel5_stride2_odd",
     {3, 5, 11, 9},
     7,
     33,
     {5, 5, 2, 2, 2, 2, 2, 2},
     Activation::kReLU,
     true},
    // Inception-v3 (Mixed_6b..6e at 17x17, Mixed_7b/7c at 8x8), smaller channel counts.
    {"v3_1x7_17x17", {1, 24, 17, 17}, 12, 10, {1, 7, 1, 1, 0, 3, 0, 3}, Activation::kReLU, true},
    {"v3_7x1_batch3_17x17",
     {3, 16, 17, 17},
     8,
     19,
     {7, 1, 1, 1, 3, 0, 3, 0},
     Activation::kReLU,
     true},
    {"v3_1x3_8x8", {1, 20, 8, 8}, 10, 9, {1, 3, 1, 1, 0, 1, 0, 1}, Activation::kReLU, true},
    {"v3_3x1_batch3_odd", {3, 6, 5, 11}, 5, 4, {3, 1, 1, 1, 1, 0, 1, 0}, Activation::kNone, false},
};

FusedReduceConvAttrs AttrsOf(const FusedCase& c) {
  FusedReduceConvAttrs a;
  a.in_channels = static_cast<int>(c.in.c);
  a.reduce_channels = c.reduce_channels;
  a.conv.in_channels = c.reduce_channels;
  a.conv.out_channels = c.out_channels;
  a.conv.window = c.window;
  a.conv.has_bias = c.has_bias;
  a.conv.activation = c.activation;
  return a;
}

Shape OutputShape(const FusedCase& c) {
  const Window2d& w = c.window;
  return {c.in.n, c.out_channels,
          WindowOutputSize(c.in.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, false),
          WindowOutputSize(c.in.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, false)};
}

class FusedReduceConvTest : public ::testing::TestWithParam<FusedCase> {};

TEST_P(FusedReduceConvTest, MatchesTheUnfusedReferenceIntoAChannelSlice) {
  const FusedCase& c = GetParam();
  const FusedReduceConvAttrs attrs = AttrsOf(c);
  const HostTensor x(c.in, 11);
  const auto w1 = RandomVector(static_cast<size_t>(c.reduce_channels * c.in.c), 12, -0.5f, 0.5f);
  const auto b1 = RandomVector(static_cast<size_t>(c.reduce_channels), 13, 0.2f, 1.0f);
  const auto w2 = RandomVector(static_cast<size_t>(c.out_channels * c.reduce_channels *
                                                   c.window.kernel_h * c.window.kernel_w),
                               14, -0.5f, 0.5f);
  const auto b2 =
      c.has_bias ? RandomVector(static_cast<size_t>(c.out_channels), 15) : std::vector<float>();
  const float* bias = c.has_bias ? b2.data() : nullptr;
  const Shape out_shape = OutputShape(c);
  SliceOutput out(out_shape, /*channel_offset=*/2, /*extra_channels=*/3);

  emu_kernels::FusedReduceConvForward(x.ref(), w1.data(), b1.data(), w2.data(), bias, attrs,
                                      out.ref());

  EXPECT_TRUE(Close(c.name, out.Dense(),
                    naive::FusedReduceConv(x, w1, b1, w2, b2, attrs, out_shape), 1e-5));
  EXPECT_TRUE(out.OutsideUntouched()) << c.name << ": wrote outside its channel slice";
#ifdef INCEPT_HAVE_HOST_FUSED_REDUCE_CONV
  std::vector<float> host(static_cast<size_t>(out_shape.elements()));
  FusedReduceConvForward(ConstTensorView(x.values.data(), x.shape), w1.data(), b1.data(), w2.data(),
                         bias, attrs, TensorView(host.data(), out_shape));
  EXPECT_TRUE(
      Close(std::string(c.name) + "_vs_host", out.Dense(), testing_util::ToDouble(host), 1e-5));
#endif
}

INSTANTIATE_TEST_SUITE_P(Shapes, FusedReduceConvTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<FusedCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(FusedReduceConvKernel, TheCapabilityQueryNamesWhatIsUnsupported) {
  FusedReduceConvAttrs a = AttrsOf(kCases[0]);
  std::string why;
  EXPECT_TRUE(simt::SupportsFusedReduceConv(a, &why));
  a.conv.window.kernel_w = 5;
  EXPECT_FALSE(simt::SupportsFusedReduceConv(a, &why));
  EXPECT_EQ(why.rfind("window 3x5 stride 1x1 not shipped", 0), 0u) << why;
  a.conv.window = {3, 3, 3, 3, 1, 1, 1, 1};
  EXPECT_FALSE(simt::SupportsFusedReduceConv(a, &why));
  a.conv.window = {1, 7, 2, 2, 0, 3, 0, 3};  // the factorised kernels ship with stride 1 only
  EXPECT_FALSE(simt::SupportsFusedReduceConv(a, &why));
  a.conv.window = {7, 1, 1, 1, 3, 0, 3, 0};
  EXPECT_TRUE(simt::SupportsFusedReduceConv(a, &why));
  // 1x7 with an 8x8 tile: an 8x14 halo.
  a.conv.window = {1, 7, 1, 1, 0, 3, 0, 3};
  a.reduce_channels = 128;
  EXPECT_EQ(simt::FusedReduceConvSharedBytes(a), (128u + 16u) * 112u * sizeof(float));
  // Inception-v3's Mixed_7a: 192 reduce channels before a 3x3 stride-2 conv, a 17x17 halo:
  // 240,448 bytes, over the 227 KB a block may use on current GPUs, so the launch refuses it
  // (the CUDA backend does not fuse reduce pairs by default).
  a.conv.window = {3, 3, 2, 2, 0, 0, 0, 0};
  a.reduce_channels = 192;
  EXPECT_EQ(simt::FusedReduceConvSharedBytes(a), 240448u);
  // 3x3 with an 8x8 tile: a 10x10 halo, (R + 16 chunk channels) floats per halo pixel.
  a.conv.window = {3, 3, 1, 1, 1, 1, 1, 1};
  a.reduce_channels = 96;
  EXPECT_EQ(simt::FusedReduceConvSharedBytes(a), (96u + 16u) * 100u * sizeof(float));
}

TEST(FusedReduceConvKernel, RejectsBadArgumentsWithAnError) {
  const FusedCase& c = kCases[0];
  FusedReduceConvAttrs attrs = AttrsOf(c);
  const HostTensor x(c.in, 1);
  std::vector<float> w(4096, 0.1f);
  SliceOutput out(OutputShape(c));
  SliceOutput wrong({1, 20, 11, 12});
  EXPECT_THROW(emu_kernels::FusedReduceConvForward(x.ref(), w.data(), w.data(), w.data(), w.data(),
                                                   attrs, wrong.ref()),
               Error);
  EXPECT_THROW(emu_kernels::FusedReduceConvForward(x.ref(), nullptr, w.data(), w.data(), w.data(),
                                                   attrs, out.ref()),
               Error);
  attrs.conv.window.kernel_w = 1;
  EXPECT_THROW(emu_kernels::FusedReduceConvForward(x.ref(), w.data(), w.data(), w.data(), w.data(),
                                                   attrs, out.ref()),
               Error);
  // Too many reduce channels for the shared memory of one block: a clear error.
  attrs = AttrsOf(c);
  attrs.reduce_channels = 1000;
  std::vector<float> big(1000 * 24 * 9 * 20, 0.0f);
  try {
    emu_kernels::FusedReduceConvForward(x.ref(), big.data(), big.data(), big.data(), big.data(),
                                        attrs, out.ref());
    ADD_FAILURE() << "no error for 1000 reduce channels";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("insufficient shared memory"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace incept

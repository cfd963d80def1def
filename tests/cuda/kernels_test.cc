// Our SIMT kernels on the GPU against the host backend's kernels, over GoogLeNet's layer
// shapes and odd sizes, batch 1 and 3, each output written into a channel slice whose
// neighbours must stay untouched. Normalised error; on failure both tensors go to a file.
// Skips without a device.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "cuda/adaptive_avg_pool.cuh"
#include "cuda/channel_affine.cuh"
#include "cuda/fused_reduce_conv.cuh"
#include "cuda/kernels/launch_checks.h"
#include "cuda/lrn.cuh"
#include "cuda/pool.cuh"
#include "cuda/softmax.cuh"
#include "host/kernels/adaptive_avg_pool.h"
#include "host/kernels/elementwise.h"
#include "host/kernels/fused_reduce_conv.h"
#include "host/kernels/lrn.h"
#include "host/kernels/pool.h"
#include "host/kernels/softmax.h"
#include "tests/cuda/gpu_test_util.h"

namespace incept {
namespace {

using gpu_test::DeviceBuffer;
using gpu_test::DeviceSlice;
using testing_util::Close;
using testing_util::HostTensor;
using testing_util::RandomVector;
using testing_util::SliceOutput;
using testing_util::ToDouble;

constexpr double kTolerance = 1e-5;

struct Input {
  HostTensor host;
  DeviceBuffer<float> device;
  explicit Input(Shape s, uint32_t seed, float lo = -1.0f, float hi = 1.0f)
      : host(s, seed, lo, hi), device(host.values) {}
  simt::ConstTensorRef ref() const { return simt::Dense(device.get(), host.shape); }
  ConstTensorView view() const { return ConstTensorView(host.values.data(), host.shape); }
};

// ---- pooling ---------------------------------------------------------------------------
struct PoolCase {
  const char* name;
  bool max;
  Shape in;
  Window2d window;
  bool ceil_mode, count_include_pad;
};

const PoolCase kPoolCases[] = {
    {"pool1_3x3s2_ceil", true, {1, 64, 112, 112}, {3, 3, 2, 2, 0, 0, 0, 0}, true, true},
    {"pool2_3x3s2_ceil_b3", true, {3, 192, 56, 56}, {3, 3, 2, 2, 0, 0, 0, 0}, true, true},
    {"inception3a_pool_3x3s1p1_b3", true, {3, 192, 28, 28}, {3, 3, 1, 1, 1, 1, 1, 1}, false, true},
    {"pool4_3x3s2_ceil", true, {1, 480, 28, 28}, {3, 3, 2, 2, 0, 0, 0, 0}, true, true},
    {"aux_avg_5x5s3_b3", false, {3, 512, 14, 14}, {5, 5, 3, 3, 0, 0, 0, 0}, false, true},
    {"odd_avg_ceil_excluded_b3", false, {3, 5, 11, 13}, {3, 3, 2, 2, 1, 1, 1, 1}, true, false},
    {"odd_max_asymmetric", true, {1, 3, 9, 7}, {2, 2, 2, 2, 0, 0, 1, 1}, false, true},
};

class GpuPoolTest : public ::testing::TestWithParam<PoolCase> {};

TEST_P(GpuPoolTest, MatchesTheHostKernel) {
  INCEPT_REQUIRE_GPU();
  const PoolCase& c = GetParam();
  PoolAttrs attrs;
  attrs.window = c.window;
  attrs.ceil_mode = c.ceil_mode;
  attrs.count_include_pad = c.count_include_pad;
  const Window2d& w = c.window;
  const Shape out_shape{
      c.in.n, c.in.c,
      WindowOutputSize(c.in.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, c.ceil_mode),
      WindowOutputSize(c.in.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, c.ceil_mode)};
  const Input x(c.in, 7);
  SliceOutput out(out_shape, 5, 7);
  DeviceSlice device_out(out);
  if (c.max)
    cuda::MaxPoolForward(x.ref(), attrs, device_out.ref(), nullptr);
  else
    cuda::AvgPoolForward(x.ref(), attrs, device_out.ref(), nullptr);
  device_out.Download();
  std::vector<float> host(static_cast<size_t>(out_shape.elements()));
  if (c.max)
    MaxPoolForward(x.view(), attrs, TensorView(host.data(), out_shape));
  else
    AvgPoolForward(x.view(), attrs, TensorView(host.data(), out_shape));
  EXPECT_TRUE(Close(c.name, out.Dense(), ToDouble(host), kTolerance));
  EXPECT_TRUE(out.OutsideUntouched());
}

INSTANTIATE_TEST_SUITE_P(GoogLeNet, GpuPoolTest, ::testing::ValuesIn(kPoolCases),
                         [](const ::testing::TestParamInfo<PoolCase>& i) {
                           return std::string(i.param.name);
                         });

TEST(GpuAdaptiveAvgPool, MatchesTheHostKernel) {
  INCEPT_REQUIRE_GPU();
  for (auto [in, oh, ow] : {std::tuple<Shape, int, int>{{3, 1024, 7, 7}, 1, 1},
                            std::tuple<Shape, int, int>{{1, 5, 10, 7}, 4, 3}}) {
    const Input x(in, 9);
    const Shape out_shape{in.n, in.c, oh, ow};
    SliceOutput out(out_shape, 2, 3);
    DeviceSlice device_out(out);
    cuda::AdaptiveAvgPoolForward(x.ref(), device_out.ref(), nullptr);
    device_out.Download();
    std::vector<float> host(static_cast<size_t>(out_shape.elements()));
    AdaptiveAvgPoolForward(x.view(), TensorView(host.data(), out_shape));
    EXPECT_TRUE(Close("adaptive_" + in.str(), out.Dense(), ToDouble(host), kTolerance));
    EXPECT_TRUE(out.OutsideUntouched());
  }
}

// ---- LRN, softmax, channel affine --------------------------------------------------------
TEST(GpuLrn, MatchesTheHostKernel) {
  INCEPT_REQUIRE_GPU();
  for (Shape in : {Shape{1, 64, 56, 56}, Shape{3, 192, 56, 56}, Shape{3, 7, 5, 3}}) {
    const LrnAttrs attrs{5, 1e-4f, 0.75f, 1.0f};
    const Input x(in, 11, -20.0f, 20.0f);
    SliceOutput out(in, 1, 2);
    DeviceSlice device_out(out);
    cuda::LrnForward(x.ref(), attrs, device_out.ref(), nullptr);
    device_out.Download();
    std::vector<float> host(static_cast<size_t>(in.elements()));
    LrnForward(x.view(), attrs, TensorView(host.data(), in));
    EXPECT_TRUE(Close("lrn_" + in.str(), out.Dense(), ToDouble(host), kTolerance));
    EXPECT_TRUE(out.OutsideUntouched());
  }
}

TEST(GpuSoftmax, MatchesTheHostKernel) {
  INCEPT_REQUIRE_GPU();
  for (Shape in : {Shape{1, 1000, 1, 1}, Shape{3, 1000, 1, 1}, Shape{3, 7, 3, 5}}) {
    const Input x(in, 13, -15.0f, 15.0f);
    SliceOutput out(in, 3, 1);
    DeviceSlice device_out(out);
    cuda::SoftmaxForward(x.ref(), device_out.ref(), nullptr);
    device_out.Download();
    std::vector<float> host(static_cast<size_t>(in.elements()));
    SoftmaxForward(x.view(), TensorView(host.data(), in));
    EXPECT_TRUE(Close("softmax_" + in.str(), out.Dense(), ToDouble(host), kTolerance));
    EXPECT_TRUE(out.OutsideUntouched());
  }
}

TEST(GpuChannelAffine, MatchesTheHostKernel) {
  INCEPT_REQUIRE_GPU();
  const Shape in{3, 3, 224, 224};
  const Input x(in, 15);
  ChannelAffineAttrs attrs;
  attrs.scale = {0.229f / 0.5f, 0.224f / 0.5f, 0.225f / 0.5f};  // torchvision transform_input
  attrs.shift = {(0.485f - 0.5f) / 0.5f, (0.456f - 0.5f) / 0.5f, (0.406f - 0.5f) / 0.5f};
  DeviceBuffer<float> scale(attrs.scale), shift(attrs.shift);
  SliceOutput out(in);
  DeviceSlice device_out(out);
  cuda::ChannelAffineForward(x.ref(), scale.get(), shift.get(), device_out.ref(), nullptr);
  device_out.Download();
  std::vector<float> host(static_cast<size_t>(in.elements()));
  ChannelAffineForward(x.view(), attrs, TensorView(host.data(), in));
  EXPECT_TRUE(Close("channel_affine", out.Dense(), ToDouble(host), kTolerance));
}

// ---- the fused reduce conv ----------------------------------------------------------------
struct FusedCase {
  const char* name;
  Shape in;
  int reduce_channels, out_channels, kernel;
  int kernel_w = 0;  // 0: kernel (square); else `kernel` is the height (1x7: 1, 7)
};

const FusedCase kFusedCases[] = {
    {"inception3a_3x3", {1, 192, 28, 28}, 96, 128, 3},
    {"inception3a_5x5_b3", {3, 192, 28, 28}, 16, 32, 5},
    {"inception4e_3x3_b3", {3, 528, 14, 14}, 160, 320, 3},
    {"inception5b_3x3", {1, 832, 7, 7}, 192, 384, 3},
    {"inception5b_5x5_b3", {3, 832, 7, 7}, 48, 128, 5},
    {"odd_3x3_b3", {3, 37, 11, 9}, 9, 40, 3},
    // Inception-v3's factorised 7x7: Mixed_6b branch7x7_1 -> _2, Mixed_6e branch7x7dbl_1 -> _2.
    {"v3_mixed6b_1x7", {1, 768, 17, 17}, 128, 128, 1, 7},
    {"v3_mixed6e_7x1_b3", {3, 768, 17, 17}, 192, 192, 7, 1},
};

class GpuFusedReduceConvTest : public ::testing::TestWithParam<FusedCase> {};

TEST_P(GpuFusedReduceConvTest, MatchesTheHostKernel) {
  INCEPT_REQUIRE_GPU();
  const FusedCase& c = GetParam();
  FusedReduceConvAttrs attrs;
  attrs.in_channels = static_cast<int>(c.in.c);
  attrs.reduce_channels = c.reduce_channels;
  attrs.conv.in_channels = c.reduce_channels;
  attrs.conv.out_channels = c.out_channels;
  const int kh = c.kernel, kw = c.kernel_w > 0 ? c.kernel_w : c.kernel;
  attrs.conv.window = {kh, kw, 1, 1, kh / 2, kw / 2, kh / 2, kw / 2};
  attrs.conv.has_bias = true;
  attrs.conv.activation = Activation::kReLU;
  const Input x(c.in, 17);
  const float scale1 = 1.0f / static_cast<float>(c.in.c), scale2 = 1.0f / (c.reduce_channels * 9);
  const auto w1 =
      RandomVector(static_cast<size_t>(c.reduce_channels * c.in.c), 18, -scale1 * 3, scale1 * 3);
  const auto b1 = RandomVector(static_cast<size_t>(c.reduce_channels), 19, 0.0f, 0.5f);
  const auto w2 = RandomVector(static_cast<size_t>(c.out_channels * c.reduce_channels * kh * kw),
                               20, -scale2 * 3, scale2 * 3);
  const auto b2 = RandomVector(static_cast<size_t>(c.out_channels), 21);
  DeviceBuffer<float> dw1(w1), db1(b1), dw2(w2), db2(b2);
  const Shape out_shape{c.in.n, c.out_channels, c.in.h, c.in.w};
  SliceOutput out(out_shape, 64, 32);
  DeviceSlice device_out(out);
  cuda::FusedReduceConvForward(x.ref(), dw1.get(), db1.get(), dw2.get(), db2.get(), attrs,
                               device_out.ref(), nullptr);
  device_out.Download();
  std::vector<float> host(static_cast<size_t>(out_shape.elements()));
  FusedReduceConvForward(x.view(), w1.data(), b1.data(), w2.data(), b2.data(), attrs,
                         TensorView(host.data(), out_shape));
  EXPECT_TRUE(Close(c.name, out.Dense(), ToDouble(host), kTolerance));
  EXPECT_TRUE(out.OutsideUntouched());
}

INSTANTIATE_TEST_SUITE_P(GoogLeNet, GpuFusedReduceConvTest, ::testing::ValuesIn(kFusedCases),
                         [](const ::testing::TestParamInfo<FusedCase>& i) {
                           return std::string(i.param.name);
                         });

}  // namespace
}  // namespace incept

// CudnnConv (fused bias + activation, strided descriptors) and LinearForward (cuBLAS)
// against the host backend's Conv2dForward / LinearForward, writing into channel slices.
// Skips without a device.
#include "cuda/cudnn_conv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cuda/cublas_linear.h"
#include "cuda/handles.h"
#include "cuda/kernels/launch_checks.h"
#include "graph/error.h"
#include "host/kernels/conv2d.h"
#include "host/kernels/linear.h"
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

struct ConvCase {
  const char* name;
  Shape in;
  int out_channels;
  Window2d window;
  int groups;
  bool has_bias;
  Activation activation;
};

const ConvCase kConvCases[] = {
    {"conv1_7x7s2p3", {1, 3, 64, 64}, 64, {7, 7, 2, 2, 3, 3, 3, 3}, 1, true, Activation::kReLU},
    {"inception_1x1_b3",
     {3, 192, 28, 28},
     64,
     {1, 1, 1, 1, 0, 0, 0, 0},
     1,
     true,
     Activation::kReLU},
    {"conv2_3x3p1", {1, 64, 56, 56}, 192, {3, 3, 1, 1, 1, 1, 1, 1}, 1, true, Activation::kReLU},
    {"bias_no_activation_5x5",
     {3, 16, 13, 11},
     24,
     {5, 5, 1, 1, 2, 2, 2, 2},
     1,
     true,
     Activation::kNone},
    {"no_bias_relu_stride2",
     {3, 8, 15, 17},
     12,
     {3, 3, 2, 2, 1, 1, 1, 1},
     1,
     false,
     Activation::kReLU},
    {"grouped", {1, 8, 9, 9}, 8, {3, 3, 1, 1, 1, 1, 1, 1}, 2, true, Activation::kReLU},
};

class CudnnConvTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(CudnnConvTest, MatchesTheHostConvIntoAChannelSlice) {
  INCEPT_REQUIRE_GPU();
  const ConvCase& c = GetParam();
  Conv2dAttrs attrs;
  attrs.in_channels = static_cast<int>(c.in.c);
  attrs.out_channels = c.out_channels;
  attrs.window = c.window;
  attrs.groups = c.groups;
  attrs.has_bias = c.has_bias;
  attrs.activation = c.activation;
  const Window2d& w = c.window;
  const Shape out_shape{
      c.in.n, c.out_channels,
      WindowOutputSize(c.in.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, false),
      WindowOutputSize(c.in.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, false)};
  const HostTensor x(c.in, 3);
  const auto weight = RandomVector(
      static_cast<size_t>(c.out_channels * c.in.c / c.groups * w.kernel_h * w.kernel_w), 4, -0.1f,
      0.1f);
  const auto bias = RandomVector(static_cast<size_t>(c.out_channels), 5);
  DeviceBuffer<float> dx(x.values), dw(weight), db(bias);
  SliceOutput out(out_shape, 16, 8);
  DeviceSlice device_out(out);

  cuda::CudnnHandle handle(nullptr);
  cuda::CudnnConvConfig config;
  config.in = c.in;
  config.attrs = attrs;
  config.out = out_shape;
  config.out_batch_stride = out.total_channels * out_shape.plane();
  cuda::CudnnConv conv(handle.get(), config);
  DeviceBuffer<char> workspace(conv.workspace_bytes());
  conv.Forward(handle.get(), dx.get(), dw.get(), c.has_bias ? db.get() : nullptr,
               device_out.ref().data, workspace.get());
  device_out.Download();

  std::vector<float> host(static_cast<size_t>(out_shape.elements()));
  Conv2dForward(ConstTensorView(x.values.data(), c.in), weight.data(),
                c.has_bias ? bias.data() : nullptr, attrs, TensorView(host.data(), out_shape));
  EXPECT_TRUE(Close(c.name, out.Dense(), ToDouble(host), 1e-4));
  EXPECT_TRUE(out.OutsideUntouched());
}

INSTANTIATE_TEST_SUITE_P(Shapes, CudnnConvTest, ::testing::ValuesIn(kConvCases),
                         [](const ::testing::TestParamInfo<ConvCase>& i) {
                           return std::string(i.param.name);
                         });

TEST(CudnnConv, RejectsAWrongOutputShapeWithAnError) {
  INCEPT_REQUIRE_GPU();
  cuda::CudnnHandle handle(nullptr);
  cuda::CudnnConvConfig config;
  config.in = {1, 4, 8, 8};
  config.attrs.in_channels = 4;
  config.attrs.out_channels = 4;
  config.attrs.window = {3, 3, 1, 1, 1, 1, 1, 1};
  config.out = {1, 4, 7, 7};
  EXPECT_THROW(cuda::CudnnConv(handle.get(), config), Error);
  config.out = {1, 4, 8, 8};
  config.attrs.window.pad_bottom = 0;
  EXPECT_THROW(cuda::CudnnConv(handle.get(), config), Error);
}

TEST(CublasLinear, MatchesTheHostLinearIntoAStridedOutput) {
  INCEPT_REQUIRE_GPU();
  for (Shape in : {Shape{3, 1024, 1, 1}, Shape{1, 8, 3, 3}}) {
    const int features = in.c == 1024 ? 1000 : 10;
    const HostTensor x(in, 7);
    const auto weight =
        RandomVector(static_cast<size_t>(features * in.per_image()), 8, -0.05f, 0.05f);
    const auto bias = RandomVector(static_cast<size_t>(features), 9);
    DeviceBuffer<float> dx(x.values), dw(weight), db(bias);
    const Shape out_shape{in.n, features, 1, 1};
    SliceOutput out(out_shape, 3, 5);
    DeviceSlice device_out(out);
    cuda::CublasHandle handle(nullptr);
    LinearAttrs attrs;
    attrs.out_features = features;
    cuda::LinearForward(handle.get(), simt::Dense(dx.get(), in), dw.get(), db.get(), attrs,
                        device_out.ref(), nullptr);
    device_out.Download();
    std::vector<float> host(static_cast<size_t>(out_shape.elements()));
    LinearForward(ConstTensorView(x.values.data(), in), weight.data(), bias.data(),
                  TensorView(host.data(), out_shape));
    EXPECT_TRUE(Close("linear_" + in.str(), out.Dense(), ToDouble(host), 1e-5));
    EXPECT_TRUE(out.OutsideUntouched());
  }
}

}  // namespace
}  // namespace incept

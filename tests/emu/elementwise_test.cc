// The element-wise SIMT kernels through the emulator: ChannelAffine (against its formula and
// the host's ChannelAffineForward when host/kernels/elementwise.h exists), the in-place
// bias + activation epilogue on a channel slice, and the uint8 HWC -> NCHW preprocessing.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cuda/emu/emu_kernels.h"
#include "graph/error.h"
#include "tests/emu/emu_test_util.h"

#if __has_include("host/kernels/elementwise.h")
#include "host/kernels/elementwise.h"
#define INCEPT_HAVE_HOST_ELEMENTWISE 1
#endif

namespace incept {
namespace {

using testing_util::Close;
using testing_util::HostTensor;
using testing_util::RandomVector;
using testing_util::SliceOutput;

TEST(ChannelAffineKernel, ScalesAndShiftsEachChannelIntoASlice) {
  for (Shape s : {Shape{1, 3, 7, 5}, Shape{3, 4, 2, 3}}) {
    const HostTensor x(s, 41);
    ChannelAffineAttrs attrs;
    attrs.scale = RandomVector(static_cast<size_t>(s.c), 42, 0.5f, 2.0f);
    attrs.shift = RandomVector(static_cast<size_t>(s.c), 43);
    SliceOutput out(s, 1, 1);
    emu_kernels::ChannelAffineForward(x.ref(), attrs, out.ref());
    std::vector<double> want;
    for (int64_t n = 0; n < s.n; ++n)
      for (int64_t c = 0; c < s.c; ++c)
        for (int64_t h = 0; h < s.h; ++h)
          for (int64_t w = 0; w < s.w; ++w)
            want.push_back(double(x.at(n, c, h, w)) * attrs.scale[c] + attrs.shift[c]);
    EXPECT_TRUE(Close("channel_affine_" + s.str(), out.Dense(), want, 1e-6));
    EXPECT_TRUE(out.OutsideUntouched());
#ifdef INCEPT_HAVE_HOST_ELEMENTWISE
    std::vector<float> host(static_cast<size_t>(s.elements()));
    ChannelAffineForward(ConstTensorView(x.values.data(), s), attrs, TensorView(host.data(), s));
    EXPECT_TRUE(Close("channel_affine_vs_host_" + s.str(), out.Dense(),
                      testing_util::ToDouble(host), 1e-6));
#endif
  }
}

TEST(ChannelAffineKernel, RejectsAWrongNumberOfScales) {
  const HostTensor x({1, 3, 2, 2}, 1);
  ChannelAffineAttrs attrs;
  attrs.scale = {1, 2};
  attrs.shift = {0, 0, 0};
  SliceOutput out(x.shape);
  EXPECT_THROW(emu_kernels::ChannelAffineForward(x.ref(), attrs, out.ref()), Error);
}

TEST(BiasActivationKernel, AddsBiasAndAppliesReluInPlaceOnASliceOnly) {
  const Shape s{3, 5, 3, 4};
  const HostTensor x(s, 51);
  const auto bias = RandomVector(static_cast<size_t>(s.c), 52);
  for (Activation act : {Activation::kNone, Activation::kReLU})
    for (bool with_bias : {false, true}) {
      SliceOutput data(s, 2, 2);
      std::vector<double> want;
      for (int64_t n = 0; n < s.n; ++n)
        for (int64_t c = 0; c < s.c; ++c)
          for (int64_t h = 0; h < s.h; ++h)
            for (int64_t w = 0; w < s.w; ++w) {
              data.ref().data[n * data.ref().batch_stride + (c * s.h + h) * s.w + w] =
                  x.at(n, c, h, w);
              double v = double(x.at(n, c, h, w)) + (with_bias ? bias[c] : 0.0);
              want.push_back(act == Activation::kReLU && v < 0 ? 0.0 : v);
            }
      emu_kernels::BiasActivationForward(data.ref(), with_bias ? bias.data() : nullptr, act);
      EXPECT_TRUE(Close("bias_activation", data.Dense(), want, 1e-6));
      EXPECT_TRUE(data.OutsideUntouched());
    }
}

TEST(PreprocessKernel, NormalisesInterleavedBytesIntoPlanarFloats) {
  const int n = 3, h = 5, w = 7, c = 3;
  const int64_t image_stride = h * w * c + 9;  // padded image rows apart
  std::vector<uint8_t> images(static_cast<size_t>(n * image_stride));
  for (size_t i = 0; i < images.size(); ++i) images[i] = static_cast<uint8_t>((i * 37 + 11) % 256);
  const float mean[3] = {0.485f, 0.456f, 0.406f}, stddev[3] = {0.229f, 0.224f, 0.225f};
  const Shape s{n, c, h, w};
  SliceOutput out(s, 1, 2);
  emu_kernels::PreprocessForward(images.data(), image_stride, mean, stddev, out.ref());
  std::vector<double> want;
  for (int64_t in = 0; in < n; ++in)
    for (int64_t ic = 0; ic < c; ++ic)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
          const double byte = images[static_cast<size_t>(in * image_stride + (y * w + x) * c + ic)];
          want.push_back((byte / 255.0 - mean[ic]) / stddev[ic]);
        }
  EXPECT_TRUE(Close("preprocess", out.Dense(), want, 1e-6));
  EXPECT_TRUE(out.OutsideUntouched());
  EXPECT_THROW(
      emu_kernels::PreprocessForward(images.data(), h * w * c - 1, mean, stddev, out.ref()), Error);
}

}  // namespace
}  // namespace incept

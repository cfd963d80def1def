// MaxPool / AvgPool SIMT kernels run through the emulator, against a naive reference (and
// the host backend's kernels when host/kernels/pool.h exists), over a named list of shapes:
// GoogLeNet's windows, batch 1 and 3, odd sizes, ceil-mode windows that reach into the
// padding, asymmetric padding, and a strided output slice.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "cuda/emu/emu_kernels.h"
#include "cuda/kernels/launch_checks.h"
#include "graph/error.h"
#include "tests/emu/emu_test_util.h"
#include "tests/emu/naive_reference.h"

#if __has_include("host/kernels/pool.h")
#include "host/kernels/pool.h"
#define INCEPT_HAVE_HOST_POOL 1
#endif
#if __has_include("host/kernels/adaptive_avg_pool.h")
#include "host/kernels/adaptive_avg_pool.h"
#define INCEPT_HAVE_HOST_ADAPTIVE_AVG_POOL 1
#endif

namespace incept {
namespace {

using testing_util::Close;
using testing_util::HostTensor;
using testing_util::SliceOutput;

struct PoolCase {
  const char* name;
  bool max;
  Shape in;
  Window2d window;
  bool ceil_mode;
  bool count_include_pad;
};

// Window2d: kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right.
const PoolCase kCases[] = {
    {"googlenet_pool1_3x3s2_ceil", true, {1, 4, 14, 14}, {3, 3, 2, 2, 0, 0, 0, 0}, true, true},
    {"inception_branch_3x3s1p1", true, {3, 5, 7, 9}, {3, 3, 1, 1, 1, 1, 1, 1}, false, true},
    {"odd_3x3s2_ceil_batch3", true, {3, 6, 11, 13}, {3, 3, 2, 2, 0, 0, 0, 0}, true, true},
    {"max_asymmetric_pad", true, {3, 3, 5, 7}, {2, 2, 2, 2, 0, 0, 1, 1}, false, true},
    {"max_ceil_into_padding", true, {1, 2, 6, 6}, {3, 3, 2, 2, 1, 1, 1, 1}, true, true},
    {"aux_avg_5x5s3", false, {3, 4, 14, 14}, {5, 5, 3, 3, 0, 0, 0, 0}, false, true},
    {"final_avg_7x7", false, {3, 8, 7, 7}, {7, 7, 1, 1, 0, 0, 0, 0}, false, true},
    {"avg_ceil_pad_included", false, {1, 2, 6, 6}, {3, 3, 2, 2, 1, 1, 1, 1}, true, true},
    {"avg_ceil_pad_excluded", false, {3, 2, 7, 6}, {3, 3, 2, 2, 1, 1, 1, 1}, true, false},
    {"avg_asymmetric_pad_included", false, {3, 3, 5, 7}, {2, 3, 2, 2, 1, 0, 0, 1}, true, true},
};

Shape OutputShape(const PoolCase& c) {
  const Window2d& w = c.window;
  return {c.in.n, c.in.c,
          WindowOutputSize(c.in.h, w.kernel_h, w.stride_h, w.pad_top, w.pad_bottom, c.ceil_mode),
          WindowOutputSize(c.in.w, w.kernel_w, w.stride_w, w.pad_left, w.pad_right, c.ceil_mode)};
}

class PoolTest : public ::testing::TestWithParam<PoolCase> {};

TEST_P(PoolTest, MatchesTheReferenceIntoAChannelSlice) {
  const PoolCase& c = GetParam();
  PoolAttrs attrs;
  attrs.window = c.window;
  attrs.ceil_mode = c.ceil_mode;
  attrs.count_include_pad = c.count_include_pad;
  const HostTensor x(c.in, 17);
  const Shape out_shape = OutputShape(c);
  SliceOutput out(out_shape, /*channel_offset=*/3, /*extra_channels=*/5);
  if (c.max)
    emu_kernels::MaxPoolForward(x.ref(), attrs, out.ref());
  else
    emu_kernels::AvgPoolForward(x.ref(), attrs, out.ref());

  EXPECT_TRUE(Close(c.name, out.Dense(), naive::Pool(c.max, x, attrs, out_shape), 1e-6));
  EXPECT_TRUE(out.OutsideUntouched()) << c.name << ": wrote outside its channel slice";
#ifdef INCEPT_HAVE_HOST_POOL
  std::vector<float> host(static_cast<size_t>(out_shape.elements()));
  const ConstTensorView in_view(x.values.data(), x.shape);
  const TensorView host_view(host.data(), out_shape);
  if (c.max)
    MaxPoolForward(in_view, attrs, host_view);
  else
    AvgPoolForward(in_view, attrs, host_view);
  EXPECT_TRUE(
      Close(std::string(c.name) + "_vs_host", out.Dense(), testing_util::ToDouble(host), 1e-6));
#endif
}

INSTANTIATE_TEST_SUITE_P(Shapes, PoolTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<PoolCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(PoolKernel, MaxPropagatesNaN) {
  HostTensor x({1, 1, 4, 4}, 3);
  x.values[5] = NAN;
  PoolAttrs attrs;
  attrs.window = {2, 2, 2, 2, 0, 0, 0, 0};
  SliceOutput out({1, 1, 2, 2});
  emu_kernels::MaxPoolForward(x.ref(), attrs, out.ref());
  EXPECT_TRUE(std::isnan(out.at(0, 0, 0, 0)));
  EXPECT_FALSE(std::isnan(out.at(0, 0, 1, 1)));
}

TEST(PoolKernel, RejectsAWrongOutputShapeAndTooMuchPadding) {
  const HostTensor x({1, 2, 8, 8}, 3);
  PoolAttrs attrs;
  attrs.window = {3, 3, 2, 2, 0, 0, 0, 0};
  SliceOutput wrong({1, 2, 4, 4});  // floor mode gives 3x3
  EXPECT_THROW(emu_kernels::MaxPoolForward(x.ref(), attrs, wrong.ref()), Error);
  attrs.ceil_mode = true;  // ceil mode gives 4x4
  EXPECT_NO_THROW(emu_kernels::MaxPoolForward(x.ref(), attrs, wrong.ref()));
  attrs.window.pad_top = 2;
  EXPECT_THROW(emu_kernels::AvgPoolForward(x.ref(), attrs, wrong.ref()), Error);
}

// PyTorch's adaptive bins: [floor(o*H/OH), ceil((o+1)*H/OH)), overlapping when OH does not
// divide H.
struct AdaptiveCase {
  const char* name;
  Shape in;
  int out_h, out_w;
};

const AdaptiveCase kAdaptiveCases[] = {
    {"googlenet_7x7_to_1x1", {3, 16, 7, 7}, 1, 1},
    {"odd_10x7_to_4x3", {1, 3, 10, 7}, 4, 3},
    {"upsampling_3x2_to_5x4", {3, 2, 3, 2}, 5, 4},
    {"identity_5x5", {1, 2, 5, 5}, 5, 5},
};

class AdaptiveAvgPoolTest : public ::testing::TestWithParam<AdaptiveCase> {};

TEST_P(AdaptiveAvgPoolTest, MatchesTheReferenceIntoAChannelSlice) {
  const AdaptiveCase& c = GetParam();
  const HostTensor x(c.in, 5);
  const Shape out_shape{c.in.n, c.in.c, c.out_h, c.out_w};
  SliceOutput out(out_shape, 1, 2);
  emu_kernels::AdaptiveAvgPoolForward(x.ref(), out.ref());
  EXPECT_TRUE(Close(c.name, out.Dense(), naive::AdaptiveAvgPool(x, out_shape), 1e-6));
  EXPECT_TRUE(out.OutsideUntouched());
#ifdef INCEPT_HAVE_HOST_ADAPTIVE_AVG_POOL
  std::vector<float> host(static_cast<size_t>(out_shape.elements()));
  AdaptiveAvgPoolForward(ConstTensorView(x.values.data(), x.shape),
                         TensorView(host.data(), out_shape));
  EXPECT_TRUE(
      Close(std::string(c.name) + "_vs_host", out.Dense(), testing_util::ToDouble(host), 1e-6));
#endif
}

INSTANTIATE_TEST_SUITE_P(Shapes, AdaptiveAvgPoolTest, ::testing::ValuesIn(kAdaptiveCases),
                         [](const ::testing::TestParamInfo<AdaptiveCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace incept

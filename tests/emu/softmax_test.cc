// The channel softmax SIMT kernel (a block-wide shared-memory reduction) through the
// emulator, against a naive reference (and the host's SoftmaxForward when
// host/kernels/softmax.h exists): logits (N, 1000, 1, 1), fewer and more channels than
// threads, spatial maps, large values (overflow without the max shift), a slice, in place.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cuda/emu/emu_kernels.h"
#include "graph/error.h"
#include "tests/emu/emu_test_util.h"
#include "tests/emu/naive_reference.h"

#if __has_include("host/kernels/softmax.h")
#include "host/kernels/softmax.h"
#define INCEPT_HAVE_HOST_SOFTMAX 1
#endif

namespace incept {
namespace {

using testing_util::Close;
using testing_util::HostTensor;
using testing_util::SliceOutput;

struct SoftmaxCase {
  const char* name;
  Shape in;
  float scale;  // values in [-scale, scale]
};

const SoftmaxCase kCases[] = {
    {"googlenet_logits_batch3", {3, 1000, 1, 1}, 10.0f},
    {"few_channels", {1, 5, 1, 1}, 3.0f},
    {"spatial_map", {3, 7, 3, 2}, 4.0f},
    {"large_values", {1, 300, 1, 1}, 200.0f},
};

class SoftmaxTest : public ::testing::TestWithParam<SoftmaxCase> {};

TEST_P(SoftmaxTest, MatchesTheReferenceIntoAChannelSlice) {
  const SoftmaxCase& c = GetParam();
  const HostTensor x(c.in, 31, -c.scale, c.scale);
  SliceOutput out(c.in, 2, 3);
  emu_kernels::SoftmaxForward(x.ref(), out.ref());
  EXPECT_TRUE(Close(c.name, out.Dense(), naive::Softmax(x), 1e-5));
  EXPECT_TRUE(out.OutsideUntouched());
#ifdef INCEPT_HAVE_HOST_SOFTMAX
  std::vector<float> host(static_cast<size_t>(c.in.elements()));
  SoftmaxForward(ConstTensorView(x.values.data(), x.shape), TensorView(host.data(), c.in));
  EXPECT_TRUE(
      Close(std::string(c.name) + "_vs_host", out.Dense(), testing_util::ToDouble(host), 1e-5));
#endif
}

INSTANTIATE_TEST_SUITE_P(Shapes, SoftmaxTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<SoftmaxCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(SoftmaxKernel, WorksInPlace) {
  HostTensor x({3, 257, 1, 1}, 4, -5.0f, 5.0f);
  const std::vector<double> want = naive::Softmax(x);
  emu_kernels::SoftmaxForward(x.ref(), simt::Dense(x.values.data(), x.shape));
  EXPECT_TRUE(Close("softmax_in_place", x.values, want, 1e-5));
}

}  // namespace
}  // namespace incept

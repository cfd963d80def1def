// The LRN SIMT kernel through the emulator against Caffe's formula (naive reference, and the
// host backend's LrnForward when host/kernels/lrn.h exists): GoogLeNet's size 5, an even
// size, fewer channels than the window, batch 3, a channel slice, and in place.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cuda/emu/emu_kernels.h"
#include "graph/error.h"
#include "tests/emu/emu_test_util.h"
#include "tests/emu/naive_reference.h"

#if __has_include("host/kernels/lrn.h")
#include "host/kernels/lrn.h"
#define INCEPT_HAVE_HOST_LRN 1
#endif

namespace incept {
namespace {

using testing_util::Close;
using testing_util::HostTensor;
using testing_util::SliceOutput;

struct LrnCase {
  const char* name;
  Shape in;
  LrnAttrs attrs;
};

// LrnAttrs: size, alpha, beta, k.
const LrnCase kCases[] = {
    {"googlenet_size5", {1, 16, 7, 5}, {5, 1e-4f, 0.75f, 1.0f}},
    {"large_alpha_batch3", {3, 9, 4, 3}, {5, 0.5f, 0.75f, 2.0f}},
    {"even_size4", {3, 7, 3, 5}, {4, 0.3f, 0.6f, 1.0f}},
    {"window_wider_than_channels", {1, 3, 5, 5}, {7, 0.9f, 0.9f, 1.5f}},
};

class LrnTest : public ::testing::TestWithParam<LrnCase> {};

TEST_P(LrnTest, MatchesCaffesFormulaIntoAChannelSlice) {
  const LrnCase& c = GetParam();
  const HostTensor x(c.in, 21, -2.0f, 2.0f);
  SliceOutput out(c.in, 1, 4);
  emu_kernels::LrnForward(x.ref(), c.attrs, out.ref());
  EXPECT_TRUE(Close(c.name, out.Dense(), naive::Lrn(x, c.attrs), 1e-6));
  EXPECT_TRUE(out.OutsideUntouched());
#ifdef INCEPT_HAVE_HOST_LRN
  std::vector<float> host(static_cast<size_t>(c.in.elements()));
  LrnForward(ConstTensorView(x.values.data(), x.shape), c.attrs, TensorView(host.data(), c.in));
  EXPECT_TRUE(
      Close(std::string(c.name) + "_vs_host", out.Dense(), testing_util::ToDouble(host), 1e-6));
#endif
}

INSTANTIATE_TEST_SUITE_P(Shapes, LrnTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<LrnCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(LrnKernel, RejectsAShapeMismatch) {
  const HostTensor x({1, 4, 3, 3}, 1);
  SliceOutput out({1, 4, 3, 4});
  EXPECT_THROW(emu_kernels::LrnForward(x.ref(), LrnAttrs{}, out.ref()), Error);
}

}  // namespace
}  // namespace incept

// The strided copy (+ReLU) and add kernels through the emulator: into channel slices, from
// strided inputs, Flatten's reshape, NaN kept by ReLU, shape errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "cuda/emu/elementwise_misc_emu.h"
#include "graph/error.h"
#include "tests/emu/emu_test_util.h"

namespace incept {
namespace {

using testing_util::Close;
using testing_util::HostTensor;
using testing_util::SliceOutput;

std::vector<double> Reference(const HostTensor& x, bool relu) {
  std::vector<double> want;
  for (float v : x.values) want.push_back(relu ? (v < 0 ? 0.0 : v) : v);
  return want;
}

TEST(StridedCopyKernel, CopiesIntoAChannelSliceWithAndWithoutRelu) {
  for (Shape s : {Shape{1, 3, 7, 5}, Shape{3, 4, 2, 3}}) {
    const HostTensor x(s, 51);
    for (Activation act : {Activation::kNone, Activation::kReLU}) {
      SliceOutput out(s, 2, 3);
      emu_kernels::StridedCopyForward(x.ref(), out.ref(), act);
      EXPECT_TRUE(
          Close("copy_" + s.str(), out.Dense(), Reference(x, act == Activation::kReLU), 0.0));
      EXPECT_TRUE(out.OutsideUntouched());
    }
  }
}

TEST(StridedCopyKernel, ReadsAStridedSliceAndFlattensIt) {
  // The input is channels [1, 3) of a 5-channel buffer; the output is (N, C*H*W, 1, 1).
  const Shape s{3, 2, 3, 4};
  SliceOutput source(s, 1, 3);
  const HostTensor values(s, 52);
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t i = 0; i < s.per_image(); ++i)
      source.storage[static_cast<size_t>((n * source.total_channels + 1) * s.plane() + i)] =
          values.values[static_cast<size_t>(n * s.per_image() + i)];
  simt::TensorRef in = source.ref();
  const Shape flat{s.n, s.per_image(), 1, 1};
  std::vector<float> out(static_cast<size_t>(flat.elements()), testing_util::kSentinel);
  emu_kernels::StridedCopyForward(in, simt::Dense(out.data(), flat), Activation::kNone);
  EXPECT_TRUE(Close("flatten", out, Reference(values, false), 0.0));
}

TEST(StridedCopyKernel, ReluKeepsNan) {
  const Shape s{1, 1, 1, 3};
  std::vector<float> in = {-1.0f, std::numeric_limits<float>::quiet_NaN(), 2.0f}, out(3, 0.0f);
  emu_kernels::StridedCopyForward(simt::Dense(in.data(), s), simt::Dense(out.data(), s),
                                  Activation::kReLU);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_TRUE(std::isnan(out[1]));
  EXPECT_EQ(out[2], 2.0f);
}

TEST(StridedCopyKernel, DifferentElementCountsAreAnError) {
  std::vector<float> in(12), out(10);
  EXPECT_THROW(emu_kernels::StridedCopyForward(simt::Dense(in.data(), Shape{1, 3, 2, 2}),
                                               simt::Dense(out.data(), Shape{1, 10, 1, 1}),
                                               Activation::kNone),
               Error);
}

TEST(AddKernel, AddsTwoTensorsIntoASlice) {
  for (Shape s : {Shape{1, 3, 5, 5}, Shape{3, 2, 4, 1}}) {
    const HostTensor a(s, 61), b(s, 62);
    SliceOutput out(s, 1, 2);
    emu_kernels::AddForward(a.ref(), b.ref(), out.ref());
    std::vector<double> want;
    for (size_t i = 0; i < a.values.size(); ++i) want.push_back(double(a.values[i]) + b.values[i]);
    EXPECT_TRUE(Close("add_" + s.str(), out.Dense(), want, 1e-7));
    EXPECT_TRUE(out.OutsideUntouched());
  }
}

TEST(AddKernel, MismatchedShapesAreAnError) {
  const HostTensor a(Shape{1, 2, 2, 2}, 1), b(Shape{1, 2, 2, 3}, 2);
  std::vector<float> out(8);
  EXPECT_THROW(emu_kernels::AddForward(a.ref(), b.ref(), simt::Dense(out.data(), a.shape)), Error);
}

}  // namespace
}  // namespace incept

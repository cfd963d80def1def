// ConcatForward: channel order, batch 3 (per-image strides), inputs that are themselves
// slices, an input already in place (its slice, on a read-only page, is not written),
// shape errors.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <random>
#include <vector>

#include "graph/error.h"
#include "host/kernels/concat.h"
#include "tests/host/kernel_test_util.h"

namespace incept {
namespace {

using kernel_test::Random;

TEST(ConcatForward, StacksChannelsInOrder) {
  const int64_t n = 3, h = 3, w = 5, plane = h * w;
  const Shape s0{n, 2, h, w}, s1{n, 3, h, w}, s2{n, 1, h, w}, out_shape{n, 6, h, w};
  const auto a = Random(s0.elements(), 1), b = Random(s1.elements(), 2);
  // The third input is channel 4 of a 5-channel buffer.
  const auto c_buffer = Random(n * 5 * plane, 3);
  const ConstTensorView c(c_buffer.data() + 4 * plane, s2, 5 * plane);
  std::vector<float> out(out_shape.elements(), 0.0f);
  ConcatForward({ConstTensorView(a.data(), s0), ConstTensorView(b.data(), s1), c},
                TensorView(out.data(), out_shape));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < 6; ++ch)
      for (int64_t p = 0; p < plane; ++p) {
        const float got = out[(i * 6 + ch) * plane + p];
        const float want = ch < 2   ? a[(i * 2 + ch) * plane + p]
                           : ch < 5 ? b[(i * 3 + ch - 2) * plane + p]
                                    : c_buffer[(i * 5 + 4) * plane + p];
        EXPECT_EQ(got, want) << "image " << i << " channel " << ch;
      }
}

// The in-place input's slice lies on a read-only page: writing it would crash the test.
TEST(ConcatForward, DoesNotRewriteAnInPlaceInput) {
  const long page = sysconf(_SC_PAGESIZE);
  const int64_t plane = page / static_cast<long>(sizeof(float));  // one channel = one page
  const Shape s0{1, 1, 1, plane}, s1{1, 1, 1, plane}, out_shape{1, 2, 1, plane};
  void* memory =
      mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(memory, MAP_FAILED);
  float* out = static_cast<float*>(memory);
  for (int64_t p = 0; p < plane; ++p) out[plane + p] = float(p);
  ASSERT_EQ(mprotect(out + plane, page, PROT_READ), 0);
  const auto a = Random(s0.elements(), 4);
  ConcatForward({ConstTensorView(a.data(), s0), ConstTensorView(out + plane, s1)},
                TensorView(out, out_shape));
  for (int64_t p = 0; p < plane; ++p) {
    EXPECT_EQ(out[p], a[p]);
    EXPECT_EQ(out[plane + p], float(p));
  }
  munmap(memory, 2 * page);
}

TEST(ConcatForward, RejectsMismatchedShapes) {
  std::vector<float> a(8), out(16);
  EXPECT_THROW(ConcatForward({ConstTensorView(a.data(), {1, 2, 2, 2})},
                             TensorView(out.data(), {1, 4, 2, 2})),
               Error);
  EXPECT_THROW(ConcatForward({ConstTensorView(a.data(), {1, 2, 4, 1})},
                             TensorView(out.data(), {1, 2, 2, 2})),
               Error);
}

}  // namespace
}  // namespace incept

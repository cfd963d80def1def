// Sgemm, with every kernel this CPU runs, against a double-precision triple loop: edge
// tiles in m, n and k, transposed and strided operands, both biases, ReLU, k == 0, and
// calls from inside an OpenMP parallel region.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "graph/error.h"
#include "host/kernels/gemm.h"
#include "host/kernels/gemm_kernels.h"
#include "tests/host/kernel_test_util.h"

namespace incept {
namespace {

using kernel_test::Random;

struct Case {
  int64_t m, n, k;
  bool transpose_a, transpose_b, row_bias, col_bias, relu;
};

// Runs one case with one kernel; C is a strided view (column stride 1 or 2) of a bigger
// buffer whose other elements must stay untouched.
void Check(const GemmKernel& kernel, const Case& c) {
  SCOPED_TRACE(std::string(kernel.name) + " m=" + std::to_string(c.m) +
               " n=" + std::to_string(c.n) + " k=" + std::to_string(c.k));
  const auto a = Random(c.m * c.k, 1), b = Random(c.k * c.n, 2);
  const auto row_bias = Random(c.m, 3), col_bias = Random(c.n, 4);
  GemmProblem p;
  p.m = c.m, p.n = c.n, p.k = c.k;
  p.a = c.transpose_a ? GemmMatrix{a.data(), 1, c.m} : GemmMatrix{a.data(), c.k, 1};
  p.b = c.transpose_b ? GemmMatrix{b.data(), 1, c.k} : GemmMatrix{b.data(), c.n, 1};
  const int64_t col_stride = c.relu ? 2 : 1, row_stride = c.n * col_stride + 3;
  const float kSentinel = 55.0f;
  std::vector<float> out(c.m * row_stride, kSentinel);
  p.c = GemmOutput{out.data(), row_stride, col_stride};
  p.epilogue.row_bias = c.row_bias ? row_bias.data() : nullptr;
  p.epilogue.col_bias = c.col_bias ? col_bias.data() : nullptr;
  p.epilogue.activation = c.relu ? Activation::kReLU : Activation::kNone;
  SgemmWithKernel(kernel, p);
  double diff = 0, norm = 0;
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < c.n; ++j) {
      double s = (c.row_bias ? row_bias[i] : 0.0) + (c.col_bias ? col_bias[j] : 0.0);
      for (int64_t q = 0; q < c.k; ++q) {
        const double av = c.transpose_a ? a[q * c.m + i] : a[i * c.k + q];
        const double bv = c.transpose_b ? b[j * c.k + q] : b[q * c.n + j];
        s += av * bv;
      }
      if (c.relu && s < 0) s = 0;
      const double got = out[i * row_stride + j * col_stride];
      diff += (got - s) * (got - s);
      norm += s * s;
    }
  }
  EXPECT_LE(std::sqrt(diff / std::max(norm, 1e-30)), 1e-5);
  size_t untouched = 0;
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t x = 0; x < row_stride; ++x)
      if (!(x < c.n * col_stride && x % col_stride == 0))
        untouched += out[i * row_stride + x] == kSentinel;
  EXPECT_EQ(untouched, static_cast<size_t>(c.m * (row_stride - c.n)));
}

const Case kCases[] = {
    {1, 1, 1, false, false, false, false, false},
    {7, 13, 5, false, false, true, false, false},
    {6, 16, 256, false, false, false, false, true},
    {8, 32, 128, false, false, true, true, true},
    {97, 385, 257, false, false, true, false, true},  // one past every block size
    {200, 49, 700, false, false, true, false, false},
    {8, 1000, 300, false, true, false, true, false},  // Linear: B = W^T
    {33, 70, 19, true, false, false, false, true},
    {3, 5, 0, false, false, true, true, true},  // k == 0: just the epilogue
};

TEST(Sgemm, EveryKernelMatchesTheTripleLoop) {
  for (const GemmKernel* kernel : SupportedGemmKernels())
    for (const Case& c : kCases) Check(*kernel, c);
}

TEST(Sgemm, EveryKernelWorksOnOneAndOnTwoThreadsAndInsideAParallelRegion) {
  const int saved = omp_get_max_threads();
  const Case c{150, 600, 300, false, false, true, false, true};
  for (const GemmKernel* kernel : SupportedGemmKernels()) {
    omp_set_num_threads(1);
    Check(*kernel, c);
    omp_set_num_threads(2);
    Check(*kernel, c);
#pragma omp parallel num_threads(2)
    {
      // A call from inside a parallel region runs on its own thread only.
      if (omp_get_thread_num() == 0) Check(*kernel, c);
    }
  }
  omp_set_num_threads(saved);
}

TEST(Sgemm, PublicEntryUsesTheBestKernel) {
  const auto a = Random(4 * 3, 7), b = Random(3 * 2, 8);
  std::vector<float> c(4 * 2);
  Sgemm(4, 2, 3, {a.data(), 3, 1}, {b.data(), 2, 1}, {c.data(), 2, 1});
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 2; ++j) {
      double s = 0;
      for (int q = 0; q < 3; ++q) s += double(a[i * 3 + q]) * b[q * 2 + j];
      EXPECT_NEAR(c[i * 2 + j], s, 1e-5);
    }
  EXPECT_STREQ(SgemmKernelName(), BestGemmKernel().name);
  EXPECT_THROW(Sgemm(-1, 2, 3, {a.data(), 3, 1}, {b.data(), 2, 1}, {c.data(), 2, 1}), Error);
}

}  // namespace
}  // namespace incept

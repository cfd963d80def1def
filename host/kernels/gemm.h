// Single-precision GEMM for the host kernels (no BLAS dependency).
//
//   C[i][j] = act(sum_k A[i][k] * B[k][j] + row_bias[i] + col_bias[j])   (C is overwritten)
//
// Every matrix is addressed by a row and a column stride, so transposed operands (a Linear
// weight read as B = W^T) and strided outputs need no copies. The work is split into
// MC x NC macro tiles spread over the OpenMP threads (a call made from inside a parallel
// region runs on the calling thread alone); each tile packs its panels of A and B and runs
// a register-blocked micro-kernel chosen once at run time for the CPU (AVX-512, AVX2+FMA or
// a portable SSE2 one; gemm_kernel_impl.h).
#pragma once

#include <cstdint>

#include "graph/op.h"

namespace incept {

// A read-only matrix: element (i, k) is data[i * row_stride + k * col_stride].
struct GemmMatrix {
  const float* data = nullptr;
  int64_t row_stride = 0;
  int64_t col_stride = 1;
};

// The output matrix: element (i, j) is data[i * row_stride + j * col_stride].
struct GemmOutput {
  float* data = nullptr;
  int64_t row_stride = 0;
  int64_t col_stride = 1;
};

// What is applied to each result before it is stored. Either bias may be null.
struct GemmEpilogue {
  const float* row_bias = nullptr;  // m values, added to every row i
  const float* col_bias = nullptr;  // n values, added to every column j
  Activation activation = Activation::kNone;
};

// C (m x n) = epilogue(A (m x k) * B (k x n)). m, n >= 0; k == 0 gives the epilogue of 0.
void Sgemm(int64_t m, int64_t n, int64_t k, GemmMatrix a, GemmMatrix b, GemmOutput c,
           const GemmEpilogue& epilogue = {});

// The name of the micro-kernel this CPU runs ("avx512", "avx2", "generic"), for reports.
const char* SgemmKernelName();

}  // namespace incept

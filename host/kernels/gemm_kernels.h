// The pieces of Sgemm (gemm.h) that differ per instruction set, and the driver that runs
// one of them. Internal to host/kernels; tests and perf/ use it to exercise every kernel
// the CPU supports.
//
// A kernel computes MR x NR register tiles from packed panels: A in panels of MR rows,
// B in panels of NR columns, both k-major. Blocking: KC of k per pass over C, MC rows of A
// per packed block (L2), NC columns of B per packed block.
#pragma once

#include <cstdint>
#include <vector>

#include "host/kernels/gemm.h"

namespace incept {

struct GemmProblem {
  int64_t m = 0, n = 0, k = 0;
  GemmMatrix a, b;
  GemmOutput c;
  GemmEpilogue epilogue;
};

// A rectangle of C computed by one thread: rows [i_begin, i_end), columns [j_begin, j_end).
struct GemmTask {
  int64_t i_begin = 0, i_end = 0, j_begin = 0, j_end = 0;
};

struct GemmKernel {
  const char* name;
  int mr, nr;      // register tile
  int64_t mc, kc;  // packed A block: mc x kc floats
  int64_t nc;      // preferred packed B block width: kc x nc floats
  // Computes the task's rectangle of C. packed_a holds mc * kc floats, packed_b
  // kc * (j_end - j_begin rounded up to nr) floats; both 64-byte aligned.
  void (*run)(const GemmProblem& problem, const GemmTask& task, float* packed_a, float* packed_b);
};

// Each returns null when this build cannot produce that kernel (e.g. not GCC on x86-64).
const GemmKernel* Avx512GemmKernel();
const GemmKernel* Avx2GemmKernel();
const GemmKernel* GenericGemmKernel();

// The kernels this CPU runs, best first (never empty: the generic one always runs).
std::vector<const GemmKernel*> SupportedGemmKernels();

// The best kernel this CPU runs (chosen once).
const GemmKernel& BestGemmKernel();

// Sgemm with a given kernel; the caller checks that the CPU supports it.
void SgemmWithKernel(const GemmKernel& kernel, const GemmProblem& problem);

}  // namespace incept

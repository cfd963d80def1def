// Sgemm's driver: argument checks, the choice of kernel for this CPU, and the split of C
// into per-thread tasks (column blocks of about NC, and if that gives too few tasks for
// the threads, row chunks of whole MC blocks).
#include "host/kernels/gemm.h"

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/error.h"
#include "host/kernels/gemm_kernels.h"

namespace incept {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Per-thread packing space, reused across calls.
float* PackingSpace(int64_t floats) {
  constexpr int64_t kAlignFloats = 16;  // 64 bytes
  thread_local std::vector<float> space;
  if (static_cast<int64_t>(space.size()) < floats + kAlignFloats)
    space.resize(static_cast<size_t>(floats + kAlignFloats));
  const auto address = reinterpret_cast<std::uintptr_t>(space.data());
  const std::uintptr_t aligned = (address + 63) & ~static_cast<std::uintptr_t>(63);
  return reinterpret_cast<float*>(aligned);
}

// C = epilogue(0): the k == 0 product.
void EpilogueOnly(const GemmProblem& p) {
  const GemmEpilogue& e = p.epilogue;
  for (int64_t i = 0; i < p.m; ++i) {
    for (int64_t j = 0; j < p.n; ++j) {
      float x = (e.row_bias ? e.row_bias[i] : 0.0f) + (e.col_bias ? e.col_bias[j] : 0.0f);
      if (e.activation == Activation::kReLU && x < 0.0f) x = 0.0f;
      p.c.data[i * p.c.row_stride + j * p.c.col_stride] = x;
    }
  }
}

// How C is cut into tasks: col_blocks x row_chunks.
struct TaskSplit {
  int64_t cols_per_block = 0, col_blocks = 0, row_chunks = 0, m_blocks = 0;
};

TaskSplit SplitTasks(const GemmKernel& kernel, int64_t m, int64_t n, int threads) {
  TaskSplit s;
  const int64_t panels = CeilDiv(n, kernel.nr);
  s.m_blocks = CeilDiv(m, kernel.mc);
  int64_t col_blocks = CeilDiv(n, kernel.nc);
  s.row_chunks = 1;
  if (threads > 1) {
    if (col_blocks < threads) s.row_chunks = std::min<int64_t>(s.m_blocks, threads);
    // Round the task count up to a multiple of the threads while the blocks stay big.
    const int64_t per_round = threads / std::min<int64_t>(threads, s.row_chunks);
    if (col_blocks % per_round != 0 && col_blocks < 8 * per_round)
      col_blocks = std::min(panels, CeilDiv(col_blocks, per_round) * per_round);
  }
  const int64_t panels_per_block = CeilDiv(panels, col_blocks);
  s.cols_per_block = panels_per_block * kernel.nr;
  s.col_blocks = CeilDiv(panels, panels_per_block);
  return s;
}

GemmTask TaskAt(const TaskSplit& s, const GemmProblem& p, const GemmKernel& kernel, int64_t index) {
  const int64_t col_block = index / s.row_chunks, chunk = index % s.row_chunks;
  GemmTask t;
  t.j_begin = col_block * s.cols_per_block;
  t.j_end = std::min(p.n, t.j_begin + s.cols_per_block);
  t.i_begin = std::min(p.m, (chunk * s.m_blocks / s.row_chunks) * kernel.mc);
  t.i_end = std::min(p.m, ((chunk + 1) * s.m_blocks / s.row_chunks) * kernel.mc);
  return t;
}

void CheckProblem(const GemmProblem& p) {
  if (p.m < 0 || p.n < 0 || p.k < 0)
    throw Error("Sgemm: negative size m=" + std::to_string(p.m) + " n=" + std::to_string(p.n) +
                " k=" + std::to_string(p.k));
  if (p.m > 0 && p.n > 0 && (!p.c.data || (p.k > 0 && (!p.a.data || !p.b.data))))
    throw Error("Sgemm: null matrix pointer");
}

}  // namespace

std::vector<const GemmKernel*> SupportedGemmKernels() {
  std::vector<const GemmKernel*> kernels;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (Avx512GemmKernel() && __builtin_cpu_supports("avx512f"))
    kernels.push_back(Avx512GemmKernel());
  if (Avx2GemmKernel() && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    kernels.push_back(Avx2GemmKernel());
#endif
  kernels.push_back(GenericGemmKernel());
  return kernels;
}

const GemmKernel& BestGemmKernel() {
  static const GemmKernel* const best = SupportedGemmKernels().front();
  return *best;
}

void SgemmWithKernel(const GemmKernel& kernel, const GemmProblem& p) {
  CheckProblem(p);
  if (p.m == 0 || p.n == 0) return;
  if (p.k == 0) return EpilogueOnly(p);
  const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  const TaskSplit split = SplitTasks(kernel, p.m, p.n, threads);
  const int64_t tasks = split.col_blocks * split.row_chunks;
  const int64_t packed_a = kernel.mc * kernel.kc;
  const int64_t packed_b = kernel.kc * split.cols_per_block;
  const int team = static_cast<int>(std::min<int64_t>(threads, tasks));
#pragma omp parallel num_threads(team) if (team > 1)
  {
    float* space = PackingSpace(packed_a + packed_b);
#pragma omp for schedule(dynamic, 1)
    for (int64_t t = 0; t < tasks; ++t)
      kernel.run(p, TaskAt(split, p, kernel, t), space, space + packed_a);
  }
}

void Sgemm(int64_t m, int64_t n, int64_t k, GemmMatrix a, GemmMatrix b, GemmOutput c,
           const GemmEpilogue& epilogue) {
  GemmProblem p;
  p.m = m, p.n = n, p.k = k;
  p.a = a, p.b = b, p.c = c;
  p.epilogue = epilogue;
  SgemmWithKernel(BestGemmKernel(), p);
}

const char* SgemmKernelName() { return BestGemmKernel().name; }

}  // namespace incept

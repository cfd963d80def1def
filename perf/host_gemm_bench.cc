// Throughput of the host Sgemm kernels (host/kernels/gemm.h) on square and GoogLeNet-like
// shapes, for every kernel the CPU runs, on 1 and 2 threads: GFLOP per wall-clock second
// and per CPU-second of the process (the latter is what the kernel does when it runs; on a
// shared, busy machine the wall-clock figure mostly measures the neighbours). Not built by
// default:
//   g++ -O3 -std=c++17 -fopenmp -I. perf/host_gemm_bench.cc build/host/libincept_host.a \
//       build/graph/libincept_graph.a -o host_gemm_bench && ./host_gemm_bench
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <vector>

#include "host/kernels/gemm_kernels.h"

namespace {

struct Shape3 {
  const char* what;
  int64_t m, n, k;
};

double CpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

struct Rate {
  double wall;     // GFLOP per wall-clock second
  double per_cpu;  // GFLOP per CPU-second of the process (all threads): robust to a busy machine
};

Rate GflopsOf(const incept::GemmKernel& kernel, const Shape3& s) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n), bias(s.m);
  for (float& x : a) x = u(rng);
  for (float& x : b) x = u(rng);
  for (float& x : bias) x = u(rng);
  incept::GemmProblem p;
  p.m = s.m, p.n = s.n, p.k = s.k;
  p.a = {a.data(), s.k, 1};
  p.b = {b.data(), s.n, 1};
  p.c = {c.data(), s.n, 1};
  p.epilogue.row_bias = bias.data();
  p.epilogue.activation = incept::Activation::kReLU;
  const double flops = 2.0 * s.m * s.n * s.k;
  const int reps = std::max(3, static_cast<int>(4e9 / flops));
  incept::SgemmWithKernel(kernel, p);  // warm up
  double best_wall = 1e30, best_cpu = 1e30;
  for (int trial = 0; trial < 3; ++trial) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = CpuSeconds();
    for (int r = 0; r < reps; ++r) incept::SgemmWithKernel(kernel, p);
    const double c1 = CpuSeconds();
    const auto t1 = std::chrono::steady_clock::now();
    best_wall = std::min(best_wall, std::chrono::duration<double>(t1 - t0).count() / reps);
    best_cpu = std::min(best_cpu, (c1 - c0) / reps);
  }
  return {flops / best_wall * 1e-9, flops / best_cpu * 1e-9};
}

}  // namespace

int main() {
  const Shape3 shapes[] = {
      {"square 512", 512, 512, 512},
      {"square 1024", 1024, 1024, 1024},
      {"conv2 3x3 64->192 @56", 192, 3136, 576},
      {"3a 3x3 96->128 @28", 128, 784, 864},
      {"3a 1x1 192->64 @28", 64, 784, 192},
      {"4a 1x1 480->192 @14", 192, 196, 480},
      {"5b 3x3 192->384 @7", 384, 49, 1728},
      {"fc batch 8", 8, 1000, 1024},
  };
  std::printf("best kernel: %s\n", incept::BestGemmKernel().name);
  for (const incept::GemmKernel* kernel : incept::SupportedGemmKernels()) {
    for (const Shape3& s : shapes) {
      Rate g[2];
      for (int threads = 1; threads <= 2; ++threads) {
        omp_set_num_threads(threads);
        g[threads - 1] = GflopsOf(*kernel, s);
      }
      std::printf(
          "%-8s %-24s M=%-5ld N=%-5ld K=%-5ld  1 thread %6.1f (%6.1f/cpu-s)  2 threads %6.1f "
          "(%6.1f/cpu-s) GFLOP/s\n",
          kernel->name, s.what, static_cast<long>(s.m), static_cast<long>(s.n),
          static_cast<long>(s.k), g[0].wall, g[0].per_cpu, g[1].wall, g[1].per_cpu);
    }
  }
}

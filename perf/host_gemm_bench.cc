// Throughput of the host Sgemm kernels (host/kernels/gemm.h) on square and GoogLeNet-like
// shapes, for every kernel the CPU runs, on 1 and 2 threads. Not built by default:
//   g++ -O3 -std=c++17 -fopenmp -I. perf/host_gemm_bench.cc build/host/libincept_host.a \
//       build/graph/libincept_graph.a -o host_gemm_bench && ./host_gemm_bench
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "host/kernels/gemm_kernels.h"

namespace {

struct Shape3 {
  const char* what;
  int64_t m, n, k;
};

double GflopsOf(const incept::GemmKernel& kernel, const Shape3& s) {
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
  const int reps = std::max(3, static_cast<int>(2e10 / flops));
  incept::SgemmWithKernel(kernel, p);  // warm up
  double best = 1e30;
  for (int trial = 0; trial < 3; ++trial) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r) incept::SgemmWithKernel(kernel, p);
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count() / reps);
  }
  return flops / best * 1e-9;
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
  __builtin_cpu_init();
  const incept::GemmKernel* kernels[] = {incept::Avx512GemmKernel(), incept::Avx2GemmKernel(),
                                         incept::GenericGemmKernel()};
  std::printf("best kernel: %s\n", incept::BestGemmKernel().name);
  for (const incept::GemmKernel* kernel : kernels) {
    if (!kernel) continue;
    if (kernel == incept::Avx512GemmKernel() && !__builtin_cpu_supports("avx512f")) continue;
    if (kernel == incept::Avx2GemmKernel() && !__builtin_cpu_supports("avx2")) continue;
    for (const Shape3& s : shapes) {
      double g[2];
      for (int threads = 1; threads <= 2; ++threads) {
        omp_set_num_threads(threads);
        g[threads - 1] = GflopsOf(*kernel, s);
      }
      std::printf("%-8s %-24s M=%-5ld N=%-5ld K=%-5ld  1 thread %6.1f GFLOP/s  2 threads %6.1f\n",
                  kernel->name, s.what, static_cast<long>(s.m), static_cast<long>(s.n),
                  static_cast<long>(s.k), g[0], g[1]);
    }
  }
}

// The AVX-512 Sgemm kernel: 8 x 32 register tile (16 zmm accumulators).
#include "host/kernels/gemm_kernels.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#pragma GCC target("avx512f,avx2,fma")
#include "host/kernels/gemm_kernel_impl.h"

namespace incept {
namespace {
typedef float Vec16 __attribute__((vector_size(64)));
constexpr GemmKernel kAvx512Kernel = GemmKernelOf<8, 2, Vec16, 96, 128, 384>::Make("avx512");
}  // namespace
const GemmKernel* Avx512GemmKernel() { return &kAvx512Kernel; }
}  // namespace incept

#else
namespace incept {
const GemmKernel* Avx512GemmKernel() { return nullptr; }
}  // namespace incept
#endif

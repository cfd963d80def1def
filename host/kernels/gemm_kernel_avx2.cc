// The AVX2 + FMA Sgemm kernel: 6 x 16 register tile (12 ymm accumulators).
#include "host/kernels/gemm_kernels.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#pragma GCC target("avx2,fma")
#include "host/kernels/gemm_kernel_impl.h"

namespace incept {
namespace {
typedef float Vec8 __attribute__((vector_size(32)));
constexpr GemmKernel kAvx2Kernel = GemmKernelOf<6, 2, Vec8, 96, 256, 384>::Make("avx2");
}  // namespace
const GemmKernel* Avx2GemmKernel() { return &kAvx2Kernel; }
}  // namespace incept

#else
namespace incept {
const GemmKernel* Avx2GemmKernel() { return nullptr; }
}  // namespace incept
#endif

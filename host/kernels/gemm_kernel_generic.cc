// The portable Sgemm kernel (SSE2 on x86-64): 6 x 8 register tile of 4-float vectors.
#include "host/kernels/gemm_kernel_impl.h"

namespace incept {
namespace {
typedef float Vec4 __attribute__((vector_size(16)));
constexpr GemmKernel kGenericKernel = GemmKernelOf<6, 2, Vec4, 96, 256, 384>::Make("generic");
}  // namespace
const GemmKernel* GenericGemmKernel() { return &kGenericKernel; }
}  // namespace incept

// CUDA_CHECK / CUDNN_CHECK / CUBLAS_CHECK: turn any failing status into incept::Error whose
// message names the call, the status and where it was made, e.g.
//   "cudaMalloc(&ptr, bytes) failed: cudaErrorMemoryAllocation (out of memory) at
//    cuda/device_arena.cc:31"
// Never aborts. Each macro evaluates its argument exactly once.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

namespace incept {
namespace cuda {

[[noreturn]] void ThrowCudaError(cudaError_t status, const char* call, const char* file, int line);
[[noreturn]] void ThrowCudnnError(cudnnStatus_t status, const char* call, const char* file,
                                  int line);
[[noreturn]] void ThrowCublasError(cublasStatus_t status, const char* call, const char* file,
                                   int line);

inline void CheckCuda(cudaError_t status, const char* call, const char* file, int line) {
  if (status != cudaSuccess) ThrowCudaError(status, call, file, line);
}
inline void CheckCudnn(cudnnStatus_t status, const char* call, const char* file, int line) {
  if (status != CUDNN_STATUS_SUCCESS) ThrowCudnnError(status, call, file, line);
}
inline void CheckCublas(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS) ThrowCublasError(status, call, file, line);
}

}  // namespace cuda
}  // namespace incept

#define CUDA_CHECK(call) ::incept::cuda::CheckCuda((call), #call, __FILE__, __LINE__)
#define CUDNN_CHECK(call) ::incept::cuda::CheckCudnn((call), #call, __FILE__, __LINE__)
#define CUBLAS_CHECK(call) ::incept::cuda::CheckCublas((call), #call, __FILE__, __LINE__)

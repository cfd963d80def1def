// RAII cuDNN and cuBLAS handles. docs/design.md §6: one of each per stream, so each handle is
// bound to its stream at creation (cudnnSetStream / cublasSetStream).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

namespace incept {
namespace cuda {

class CudnnHandle {
 public:
  explicit CudnnHandle(cudaStream_t stream);
  ~CudnnHandle();
  CudnnHandle(const CudnnHandle&) = delete;
  CudnnHandle& operator=(const CudnnHandle&) = delete;
  cudnnHandle_t get() const { return handle_; }

 private:
  cudnnHandle_t handle_ = nullptr;
};

// fp32 GEMMs are exact (CUBLAS_PEDANTIC_MATH) unless allow_tf32 is set.
class CublasHandle {
 public:
  CublasHandle(cudaStream_t stream, bool allow_tf32 = false);
  ~CublasHandle();
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  cublasHandle_t get() const { return handle_; }

 private:
  cublasHandle_t handle_ = nullptr;
};

}  // namespace cuda
}  // namespace incept

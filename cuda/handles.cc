// RAII cuDNN and cuBLAS handles bound to a stream.
#include "cuda/handles.h"

#include "cuda/check.h"

namespace incept {
namespace cuda {

CudnnHandle::CudnnHandle(cudaStream_t stream) {
  CUDNN_CHECK(cudnnCreate(&handle_));
  const cudnnStatus_t status = cudnnSetStream(handle_, stream);
  if (status != CUDNN_STATUS_SUCCESS) {
    cudnnDestroy(handle_);
    CUDNN_CHECK(status);
  }
}

CudnnHandle::~CudnnHandle() {
  if (handle_) cudnnDestroy(handle_);
}

CublasHandle::CublasHandle(cudaStream_t stream, bool allow_tf32) {
  CUBLAS_CHECK(cublasCreate(&handle_));
  cublasStatus_t status = cublasSetStream(handle_, stream);
  if (status == CUBLAS_STATUS_SUCCESS)
    status =
        cublasSetMathMode(handle_, allow_tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_PEDANTIC_MATH);
  if (status != CUBLAS_STATUS_SUCCESS) {
    cublasDestroy(handle_);
    CUBLAS_CHECK(status);
  }
}

CublasHandle::~CublasHandle() {
  if (handle_) cublasDestroy(handle_);
}

}  // namespace cuda
}  // namespace incept

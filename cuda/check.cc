// The error messages of CUDA_CHECK, CUDNN_CHECK and CUBLAS_CHECK (cuda/check.h).
#include "cuda/check.h"

#include <string>

#include "graph/error.h"

namespace incept {
namespace cuda {
namespace {

[[noreturn]] void Throw(const char* call, const std::string& status, const char* file, int line) {
  throw Error(std::string(call) + " failed: " + status + " at " + file + ":" +
              std::to_string(line));
}

}  // namespace

void ThrowCudaError(cudaError_t status, const char* call, const char* file, int line) {
  Throw(call, std::string(cudaGetErrorName(status)) + " (" + cudaGetErrorString(status) + ")", file,
        line);
}

void ThrowCudnnError(cudnnStatus_t status, const char* call, const char* file, int line) {
  Throw(call, cudnnGetErrorString(status), file, line);
}

void ThrowCublasError(cublasStatus_t status, const char* call, const char* file, int line) {
  Throw(call, std::string(cublasGetStatusName(status)) + " (" + cublasGetStatusString(status) + ")",
        file, line);
}

}  // namespace cuda
}  // namespace incept

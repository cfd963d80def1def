// CUDA_CHECK / CUDNN_CHECK / CUBLAS_CHECK: a failing status becomes incept::Error naming the
// call, the status and the file and line. Needs no device (the status strings are static).
#include "cuda/check.h"

#include <gtest/gtest.h>

#include <string>

#include "graph/error.h"

namespace incept {
namespace {

std::string MessageOf(void (*f)()) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(CudaCheck, SuccessPasses) {
  EXPECT_NO_THROW(CUDA_CHECK(cudaSuccess));
  EXPECT_NO_THROW(CUDNN_CHECK(CUDNN_STATUS_SUCCESS));
  EXPECT_NO_THROW(CUBLAS_CHECK(CUBLAS_STATUS_SUCCESS));
}

TEST(CudaCheck, FailuresNameTheCallTheStatusAndTheLocation) {
  const std::string cuda = MessageOf([] { CUDA_CHECK(cudaErrorInvalidValue); });
  EXPECT_NE(cuda.find("cudaErrorInvalidValue failed: cudaErrorInvalidValue"), std::string::npos)
      << cuda;
  EXPECT_NE(cuda.find("check_test.cc:"), std::string::npos) << cuda;

  const std::string cudnn = MessageOf([] { CUDNN_CHECK(CUDNN_STATUS_BAD_PARAM); });
  EXPECT_NE(cudnn.find("CUDNN_STATUS_BAD_PARAM failed: CUDNN_STATUS_BAD_PARAM"), std::string::npos)
      << cudnn;

  const std::string cublas = MessageOf([] { CUBLAS_CHECK(CUBLAS_STATUS_INVALID_VALUE); });
  EXPECT_NE(cublas.find("failed: CUBLAS_STATUS_INVALID_VALUE"), std::string::npos) << cublas;
  EXPECT_NE(cublas.find("check_test.cc:"), std::string::npos) << cublas;
}

TEST(CudaCheck, EvaluatesItsArgumentOnce) {
  int calls = 0;
  auto call = [&] {
    ++calls;
    return cudaSuccess;
  };
  CUDA_CHECK(call());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace incept

// LinearForward: one cublasSgemm with strided operands, then the bias epilogue.
#include "cuda/cublas_linear.h"

#include <climits>
#include <string>

#include "cuda/bias_activation.cuh"
#include "cuda/check.h"
#include "graph/error.h"

namespace incept {
namespace cuda {

void LinearForward(cublasHandle_t handle, simt::ConstTensorRef in, const float* weight,
                   const float* bias, const LinearAttrs& attrs, simt::TensorRef out,
                   cudaStream_t stream) {
  auto fail = [](const std::string& what) { throw Error("cuBLAS Linear: " + what); };
  if (!in.data || !out.data || !weight) fail("null input, weight or output");
  if (attrs.has_bias && !bias) fail("the layer has a bias but none was given");
  const int64_t k = in.shape.per_image(), f = attrs.out_features, n = in.shape.n;
  // (N, F) at rank 2 as the graph gives it; (N, F, 1, 1) is the same memory.
  if (out.shape.n != n || out.shape.c != f || out.shape.plane() != 1)
    fail("output shape " + out.shape.str() + ", expected " + Shape::Features(n, f).str());
  if (in.batch_stride < k || out.batch_stride < f) fail("batch stride smaller than a row");
  for (int64_t v : {k, f, n, in.batch_stride, out.batch_stride})
    if (v < 1 || v > INT_MAX) fail("dimension out of cuBLAS's int range");

  // Rebinding a handle resets its workspace (cuBLAS docs), so only rebind when the caller
  // passes a stream other than the one the handle is bound to.
  cudaStream_t bound = nullptr;
  CUBLAS_CHECK(cublasGetStream(handle, &bound));
  if (bound != stream) CUBLAS_CHECK(cublasSetStream(handle, stream));
  const float one = 1.0f, zero = 0.0f;
  CUBLAS_CHECK(cublasSgemm(handle, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(f),
                           static_cast<int>(n), static_cast<int>(k), &one, weight,
                           static_cast<int>(k), in.data, static_cast<int>(in.batch_stride), &zero,
                           out.data, static_cast<int>(out.batch_stride)));
  if (attrs.has_bias) BiasActivationForward(out, bias, Activation::kNone, stream);
}

void LinearGemmTyped(cublasHandle_t handle, const simt::AnyTensorRef& in, const void* weight,
                     const LinearAttrs& attrs, float* out, int64_t out_row_stride,
                     cudaStream_t stream) {
  auto fail = [](const std::string& what) { throw Error("cuBLAS Linear (GemmEx): " + what); };
  if (!in.data || !out || !weight) fail("null input, weight or output");
  cudaDataType_t type = CUDA_R_16F;
  if (in.type == ElementType::kBF16) {
    type = CUDA_R_16BF;
  } else if (in.type != ElementType::kF16) {
    fail(std::string("input must be fp16 or bf16, not ") + ElementTypeName(in.type));
  }
  if (in.layout == Layout::kNHWC && in.shape.plane() != 1)
    fail("an NHWC input with H*W > 1 (" + in.shape.str() + ") is not one row per image");
  const int64_t k = in.shape.per_image(), f = attrs.out_features, n = in.shape.n;
  if (in.batch_stride < k || out_row_stride < f) fail("batch stride smaller than a row");
  for (int64_t v : {k, f, n, in.batch_stride, out_row_stride})
    if (v < 1 || v > INT_MAX) fail("dimension out of cuBLAS's int range");
  cudaStream_t bound = nullptr;
  CUBLAS_CHECK(cublasGetStream(handle, &bound));
  if (bound != stream) CUBLAS_CHECK(cublasSetStream(handle, stream));
  const float one = 1.0f, zero = 0.0f;  // CUBLAS_COMPUTE_32F: float scaling factors
  CUBLAS_CHECK(cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(f),
                            static_cast<int>(n), static_cast<int>(k), &one, weight, type,
                            static_cast<int>(k), in.data, type, static_cast<int>(in.batch_stride),
                            &zero, out, CUDA_R_32F, static_cast<int>(out_row_stride),
                            CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

}  // namespace cuda
}  // namespace incept

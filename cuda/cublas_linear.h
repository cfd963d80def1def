// A fully connected layer on cuBLAS:  out[n][f] = sum_k in[n][k] * weight[f][k] + bias[f].
//
// In column-major terms (cuBLAS's), with ld = the batch strides:
//   out^T (F x N, ldc = out stride) = W^T' (op T of the K x F matrix W, lda = K)
//                                     * in^T (K x N, ldb = in stride)
// so flattened (N, C, H, W) inputs with K = C*H*W and strided slices need no copy. The bias
// is added by our BiasActivation kernel on the same stream. Precision follows the handle's
// math mode (CublasHandle: pedantic fp32 unless TF32 is allowed).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include "cuda/kernels/any_tensor_ref.h"
#include "cuda/kernels/tensor_ref.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

// in: (N, C, H, W), read as N rows of K = C*H*W; weight [F][K]; bias [F] or null (required
// when attrs.has_bias); out: (N, F) (rank 2; h = w = 1). Enqueues on `stream` (set on the
// handle).
void LinearForward(cublasHandle_t handle, simt::ConstTensorRef in, const float* weight,
                   const float* bias, const LinearAttrs& attrs, simt::TensorRef out,
                   cudaStream_t stream);

// fp16/bf16 plans: the GEMM alone, tensor cores with fp32 accumulation and an fp32 result
// (cublasGemmEx: A and B in T = in.type (CUDA_R_16F or CUDA_R_16BF), C in CUDA_R_32F,
// CUBLAS_COMPUTE_32F), the same column-major view as above:
//   out[n][f] = sum_k in[n][k] * weight[f][k]
// in: T, (N, C, H, W) read as N rows of K = C*H*W (NCHW, or NHWC with H = W = 1, whose bytes
// are the same), row stride in.batch_stride; weight: T [F][K]; out: fp32, N rows of F with
// row stride out_row_stride. The bias and the rounding to the output's type are the
// caller's epilogue (one rounding after the bias, as the host oracle rounds).
void LinearGemmTyped(cublasHandle_t handle, const simt::AnyTensorRef& in, const void* weight,
                     const LinearAttrs& attrs, float* out, int64_t out_row_stride,
                     cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

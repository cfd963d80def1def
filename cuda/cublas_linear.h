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

}  // namespace cuda
}  // namespace incept

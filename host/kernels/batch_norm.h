// Inference batch normalisation, NCHW fp32:
//
//   y[n][c] = (x[n][c] - mean[c]) / sqrt(var[c] + eps) * gamma[c] + beta[c]
//
// computed as x * a[c] + b[c] with a = gamma / sqrt(var + eps), b = beta - mean * a (in
// double), as PyTorch's CPU kernel does. Works in place. gamma/beta may be null (1 and 0).
#pragma once

#include "host/tensor_view.h"

namespace incept {

// Throws incept::Error when the shapes differ or mean/var are null.
void BatchNormForward(ConstTensorView in, const float* gamma, const float* beta, const float* mean,
                      const float* var, float eps, TensorView out);

}  // namespace incept

// Fully connected layer: out[n][j] = bias[j] + sum_k weight[j][k] * x[n][k], where x[n] is
// image n of the input read as C*H*W features ((N, K, 1, 1) or a (N, C, H, W) tensor
// flattened). weight is PyTorch's [out_features, in_features]; bias may be null. One Sgemm
// with the weight read transposed in place.
#pragma once

#include "host/tensor_view.h"

namespace incept {

// out is (N, M) (rank 2; h = w = 1). Throws incept::Error on inconsistent shapes.
void LinearForward(ConstTensorView in, const float* weight, const float* bias /*nullable*/,
                   TensorView out);

}  // namespace incept

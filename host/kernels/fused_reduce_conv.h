// A 1x1 "reduce" conv + bias + ReLU feeding a KxK conv, as one op:
//
//   r[n][q][y][x]   = relu(reduce_bias[q] + sum_c reduce_weight[q][c] * in[n][c][y][x])
//   out             = conv(r, weight, bias, attrs.conv)       (Conv2dForward's formula)
//
// The KxK conv's zero padding applies to r: outside the image r is 0, not
// relu(reduce_bias). reduce_weight is [R, Cin, 1, 1] (R = attrs.reduce_channels), weight is
// [Cout, R/groups, KH, KW]. On the host r is computed in full (one GEMM per image) and then
// convolved; the saving of the fusion is the GPU's, the host kernel is its reference.
#pragma once

#include "graph/op.h"
#include "host/tensor_view.h"

namespace incept {

// Throws incept::Error on inconsistent shapes. bias may be null.
void FusedReduceConvForward(ConstTensorView in, const float* reduce_weight,
                            const float* reduce_bias, const float* weight, const float* bias,
                            const FusedReduceConvAttrs& attrs, TensorView out);

}  // namespace incept

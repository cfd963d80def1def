// Softmax over channels at every (n, h, w):
//   y[c] = exp(x[c] - max_c' x[c']) / sum_c'' exp(x[c''] - max)
// with the sum accumulated in double. Works in place.
#pragma once

#include "host/tensor_view.h"

namespace incept {

// Throws incept::Error when the shapes differ.
void SoftmaxForward(ConstTensorView in, TensorView out);

}  // namespace incept

// Local response normalisation across channels (Caffe's formula; PyTorch's
// LocalResponseNorm is the same for odd sizes):
//
//   scale[c] = k + alpha / size * sum_{c' in [c - (size-1)/2, c + size/2], 0 <= c' < C} x[c']^2
//   y[c]     = x[c] * scale[c]^-beta
//
// at every (n, h, w). Works in place (in.data == out.data with the same view).
#pragma once

#include "graph/op.h"
#include "host/tensor_view.h"

namespace incept {

// Throws incept::Error when the shapes differ or size < 1.
void LrnForward(ConstTensorView in, const LrnAttrs& attrs, TensorView out);

}  // namespace incept

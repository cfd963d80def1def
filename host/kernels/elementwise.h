// Elementwise ops on NCHW fp32 views (any batch strides; in place when the output view is
// the input view):
//   ReluForward           y = max(x, 0) (NaN stays NaN, so poisoned buffers show)
//   AddForward            y = a + b
//   ChannelAffineForward  y[n][c] = x[n][c] * scale[c] + shift[c]
//   CopyForward           y = x (also Dropout at inference and Flatten when not a view;
//                         the element count per image must match, the shapes need not)
#pragma once

#include "graph/op.h"
#include "host/tensor_view.h"

namespace incept {

// Each throws incept::Error when the shapes do not match.
void ReluForward(ConstTensorView in, TensorView out);
void AddForward(ConstTensorView a, ConstTensorView b, TensorView out);
void ChannelAffineForward(ConstTensorView in, const ChannelAffineAttrs& attrs, TensorView out);
void CopyForward(ConstTensorView in, TensorView out);

}  // namespace incept

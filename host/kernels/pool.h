// Max and average 2-D pooling, NCHW fp32, with PyTorch's semantics.
//
// Output (y, x) covers input rows [y*SH - PT, y*SH - PT + KH) and the like for columns,
// clipped to the image. The output size is out.shape (inferred with ceil_mode; a last
// window that would start in the bottom/right padding has already been dropped).
//   max: the maximum over the clipped window (padding never wins; NaN propagates);
//   avg: the sum over the clipped window divided by
//        count_include_pad: the window clipped to [-PT, H + PB) x [-PL, W + PR) (PyTorch's
//                           pool_size, taken before clipping to the image),
//        otherwise:         the number of input pixels in the window.
#pragma once

#include "graph/op.h"
#include "host/tensor_view.h"

namespace incept {

// Both throw incept::Error when out.shape is not the pooled shape of in.shape.
void MaxPoolForward(ConstTensorView in, const PoolAttrs& attrs, TensorView out);
void AvgPoolForward(ConstTensorView in, const PoolAttrs& attrs, TensorView out);

}  // namespace incept

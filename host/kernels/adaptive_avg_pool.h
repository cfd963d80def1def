// Adaptive average pooling, NCHW fp32, PyTorch's windows: output row i of OH averages input
// rows [floor(i*H/OH), ceil((i+1)*H/OH)), and likewise for columns. The output size is
// out.shape (OH, OW); (1, 1) is global average pooling.
#pragma once

#include "host/tensor_view.h"

namespace incept {

// Throws incept::Error when batch or channels differ or the output is empty.
void AdaptiveAvgPoolForward(ConstTensorView in, TensorView out);

}  // namespace incept

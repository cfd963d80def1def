// The output extent of a sliding window (conv, pooling) along one axis: one rule for shape
// inference, the host kernels and the CUDA launchers. Header of plain integers, so nvcc
// and the emulated kernels include it without the rest of graph/.
#pragma once

#include <cstdint>

namespace incept {

// PyTorch's and Caffe's rule:
//   out = floor_or_ceil((in + pad_begin + pad_end - kernel) / stride) + 1
// and in ceil mode the last window must start inside the input or the left padding:
//   if ((out - 1) * stride >= in + pad_begin) --out.
// 0 when the window does not fit (in + pads < kernel) or the stride is < 1.
int64_t WindowOutputSize(int64_t in, int kernel, int stride, int pad_begin, int pad_end,
                         bool ceil_mode);

}  // namespace incept

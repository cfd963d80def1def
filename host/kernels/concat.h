// Channel concatenation, NCHW fp32: out[n][offset_i + c] = ins[i][n][c] with offset_i the
// channels of the inputs before i. An input that already is its destination slice (the
// planner elided the concat: same data pointer and batch stride) is not copied.
#pragma once

#include <vector>

#include "host/tensor_view.h"

namespace incept {

// Throws incept::Error when batch or spatial sizes differ or the channels do not add up.
void ConcatForward(const std::vector<ConstTensorView>& ins, TensorView out);

}  // namespace incept

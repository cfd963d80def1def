// Weights as a backend stores them under a precision (docs/design.md §7): folded in fp32 first
// (BatchNorm), then packed once, at upload: each element rounded once to the storage type
// (round to nearest even; graph/float16.h) and, for a conv filter read by NHWC activations,
// reordered from OIHW to OHWI (channels innermost, as cuDNN's NHWC filter descriptor and an
// NHWC kernel read them):
//   OIHW: w[o, i, y, x] at ((o * I + i) * KH + y) * KW + x
//   OHWI: w[o, i, y, x] at ((o * KH + y) * KW + x) * I + i
// Tensors of another rank (biases, FC weights) keep their order: an FC reads (N, C, 1, 1),
// whose bytes are the same in both layouts.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/element_type.h"
#include "graph/tensor.h"

namespace incept {

// Little-endian bytes of `weights` in `type`, a 4-D tensor reordered to OHWI when `layout`
// is NHWC.
std::vector<uint8_t> PackWeights(const Tensor& weights, ElementType type, Layout layout);

// The inverse, to fp32 OIHW (for tests and dumps): `dims` are the tensor's original dims.
Tensor UnpackWeights(const std::vector<uint8_t>& bytes, const std::vector<int64_t>& dims,
                     ElementType type, Layout layout);

}  // namespace incept

// How the CUDA backend stores each weight tensor on the device under a precision
// (docs/precision.md): plain data, decided on the CPU from the graph and tested there;
// cuda/device_weights.cc uploads the bytes StoreWeight gives.
//
//   fp32, tf32   every tensor fp32 as given (the upload is byte for byte the WeightMap's)
//   fp16, bf16   (T the reduced type; BatchNorm already folded into the convs in fp32)
//     Conv2d  weight  T, OHWI (graph/weight_pack.h: rounded once, filters for NHWC data)
//             bias    T: cudnnConvolutionBiasActivationForward's half and bfloat16
//                     configurations (x, w, y and bias of the data type, compute fp32) take
//                     the bias in the data type; it is added to the fp32 accumulator
//     Linear  weight  T, [F][K] as given
//             bias    rounded once to T, stored fp32: our fp32 epilogue adds it to the
//                     GEMM's fp32 result before the one rounding of the output
//     FusedReduceConv  every tensor rounded once to T, stored fp32 (the tensor-core kernel
//             packs its filters from them and adds the biases in fp32)
//     others  fp32 as given (BatchNorm's statistics, ChannelAffine's constants)
// Every rounding is graph/float16.h's (round to nearest even), the host oracle's.
//
// Threads: pure functions of their arguments, callable from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/element_type.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace incept {
namespace cuda {

struct WeightFormat {
  ElementType rounded_to = ElementType::kF32;  // each value rounded once to this type
  ElementType stored = ElementType::kF32;      // and stored in this one (fp32 or rounded_to)
  Layout layout = Layout::kNCHW;               // kNHWC: a 4-D filter reordered OIHW -> OHWI
  bool operator==(const WeightFormat& o) const {
    return rounded_to == o.rounded_to && stored == o.stored && layout == o.layout;
  }
  bool operator!=(const WeightFormat& o) const { return !(*this == o); }
};

// tensor name -> its format; a tensor not named is fp32 as given.
using WeightFormats = std::map<std::string, WeightFormat>;

// The formats of `graph`'s parameters under `precision` (empty for fp32 and tf32). Throws
// Error naming the tensor when two nodes would need one tensor in different formats.
WeightFormats WeightFormatsFor(const Graph& graph, Precision precision);

// The bytes uploaded for `tensor` in `format` (little-endian; fp32 as given is its floats'
// bytes unchanged).
std::vector<uint8_t> StoreWeight(const Tensor& tensor, const WeightFormat& format);

// "fp16 OHWI", "fp32 (rounded to bf16)", "fp32".
std::string WeightFormatName(const WeightFormat& format);

}  // namespace cuda
}  // namespace incept

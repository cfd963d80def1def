// Descriptor arithmetic of the CUDA backend's typed convolutions, as plain functions (no
// cuDNN types, so CPU tests check every number a descriptor gets; cuda/cudnn_conv_typed.cc
// passes them on unchanged).
//
// cuDNN describes a 4-D tensor by its dims in NCHW order and one stride per dim, in
// elements (cudnnSetTensor4dDescriptorEx). For an activation of the plan
// (cuda/kernels/element_access.cuh):
//   NCHW: (n, c, h, w) at n*batch + (c*H + h)*W + w      strides {batch, H*W, W, 1}
//   NHWC: (n, c, h, w) at n*batch + (h*W + w)*pixel + c  strides {batch, 1, W*pixel, pixel}
// A value inside an NHWC concat root has pixel = the root's C and batch = the root's C*H*W:
// the slice's channels are contiguous inside each pixel, the pixels are not.
// A filter read by NHWC activations is OHWI (graph/weight_pack.h): dims {K, C/groups, R, S}
// with cuDNN's CUDNN_TENSOR_NHWC filter format.
//
// Output strategies of a typed conv whose output is a slice (ConvOutputStrategy): cuDNN
// writes the pixel-strided slice itself (kStrided), or a dense T NHWC scratch that a typed
// strided copy then moves into the slice (kDenseThenCopy). Which cuDNN accepts for a given
// algorithm is known only on a device; the binder asks for kStrided first and falls back
// only when cuDNN reports the descriptors unsupported, recording why.
//
// Threads: pure functions of their arguments, callable from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "cuda/kernels/any_tensor_ref.h"

namespace incept {
namespace cuda {

struct TensorDescriptorDims {
  std::array<int, 4> dims{};     // n, c, h, w
  std::array<int, 4> strides{};  // elements, in the same order
  bool operator==(const TensorDescriptorDims& o) const {
    return dims == o.dims && strides == o.strides;
  }
};

// The dims and strides of `t` (its type is the caller's business; its data may be null:
// only the geometry is read). Throws incept::Error
// when a dim or stride exceeds cuDNN's 32-bit range or the strides overlap (RequireTensor).
TensorDescriptorDims DescribeActivation(const simt::AnyTensorRef& t);

// Whether `t` holds its elements back to back: batch stride C*H*W and, in NHWC, pixel
// stride C (a whole root, or any value with H = W = 1 that has no channel offset to skip).
bool IsDense(const simt::AnyTensorRef& t);

// A dense tensor of `shape` in `type` NHWC at `data` (a conv's converted input, its dense
// output scratch).
simt::AnyTensorRef DenseNhwc(void* data, const Shape& shape, ElementType type);

enum class ConvOutputStrategy { kStrided, kDenseThenCopy };
// What a context asks of each typed conv (ContextOptions::conv_output): kAuto tries
// kStrided and falls back to kDenseThenCopy only on cuDNN's "not supported"; the others
// force one (tests, and a way round a library that accepts the descriptors but fails).
enum class ConvOutputRequest { kAuto, kStrided, kDenseThenCopy };
const char* ConvOutputStrategyName(ConvOutputStrategy strategy);  // "strided", "dense+copy"

// The scratch of one typed conv launch, carved from its stream's workspace (the nodes of
// one stream run one after another, so they share it):
//   [converted input | dense output | cuDNN workspace]
// each part starting at a multiple of `alignment`; a part of 0 bytes takes no room.
struct ConvScratch {
  size_t input_offset = 0, input_bytes = 0;    // the input converted to T NHWC, if needed
  size_t output_offset = 0, output_bytes = 0;  // kDenseThenCopy's dense result
  size_t cudnn_offset = 0, cudnn_bytes = 0;    // the algorithm's workspace
  size_t total = 0;
};
ConvScratch LayoutConvScratch(size_t input_bytes, size_t output_bytes, size_t cudnn_bytes,
                              size_t alignment);

}  // namespace cuda
}  // namespace incept

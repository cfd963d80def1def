// Descriptor arithmetic (conv_descriptors.h).
#include "cuda/plan/conv_descriptors.h"

#include <climits>

#include "graph/error.h"

namespace incept {
namespace cuda {
namespace {

int Narrow(int64_t v, const char* what) {
  if (v < 1 || v > INT_MAX)
    throw Error(std::string("cuDNN descriptor: ") + what + " " + std::to_string(v) +
                " is outside cuDNN's 32-bit range");
  return static_cast<int>(v);
}

size_t AlignUp(size_t bytes, size_t alignment) {
  return (bytes + alignment - 1) / alignment * alignment;
}

}  // namespace

TensorDescriptorDims DescribeActivation(const simt::AnyTensorRef& t) {
  simt::AnyTensorRef probe = t;  // geometry only: the data pointer may be null
  if (!probe.data) probe.data = &probe;
  simt::RequireTensor("cuDNN descriptor", "tensor", probe);
  const Shape& s = t.shape;
  TensorDescriptorDims d;
  d.dims = {Narrow(s.n, "batch"), Narrow(s.c, "channels"), Narrow(s.h, "height"),
            Narrow(s.w, "width")};
  const int batch = Narrow(t.batch_stride, "batch stride");
  if (t.layout == Layout::kNCHW) {
    d.strides = {batch, Narrow(s.h * s.w, "channel stride"), Narrow(s.w, "row stride"), 1};
  } else {
    d.strides = {batch, 1, Narrow(s.w * t.pixel_stride, "row stride"),
                 Narrow(t.pixel_stride, "pixel stride")};
  }
  return d;
}

bool IsDense(const simt::AnyTensorRef& t) {
  if (t.batch_stride != t.shape.per_image()) return false;
  return t.layout == Layout::kNCHW || t.pixel_stride == t.shape.c || t.shape.plane() == 1;
}

simt::AnyTensorRef DenseNhwc(void* data, const Shape& shape, ElementType type) {
  return simt::DenseAny(data, shape, type, Layout::kNHWC);
}

const char* ConvOutputStrategyName(ConvOutputStrategy strategy) {
  return strategy == ConvOutputStrategy::kStrided ? "strided" : "dense+copy";
}

ConvScratch LayoutConvScratch(size_t input_bytes, size_t output_bytes, size_t cudnn_bytes,
                              size_t alignment) {
  if (alignment == 0) throw Error("conv scratch: alignment 0");
  ConvScratch s;
  s.input_bytes = input_bytes;
  s.output_offset = AlignUp(input_bytes, alignment);
  s.output_bytes = output_bytes;
  s.cudnn_offset = s.output_offset + AlignUp(output_bytes, alignment);
  s.cudnn_bytes = cudnn_bytes;
  s.total = s.cudnn_offset + cudnn_bytes;
  return s;
}

}  // namespace cuda
}  // namespace incept

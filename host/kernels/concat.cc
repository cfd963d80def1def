// Channel concatenation; see concat.h.
#include "host/kernels/concat.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "graph/error.h"

namespace incept {

void ConcatForward(const std::vector<ConstTensorView>& ins, TensorView out) {
  int64_t channels = 0;
  for (size_t i = 0; i < ins.size(); ++i) {
    const Shape& s = ins[i].shape;
    if (!ins[i].data || s.n != out.shape.n || s.h != out.shape.h || s.w != out.shape.w) {
      throw Error("ConcatForward: input " + std::to_string(i) + " " + s.str() +
                  " does not fit output " + out.shape.str());
    }
    channels += s.c;
  }
  if (channels != out.shape.c) {
    throw Error("ConcatForward: inputs have " + std::to_string(channels) + " channels, output " +
                out.shape.str());
  }
  const int64_t plane = out.shape.plane();
  int64_t offset = 0;
  for (const ConstTensorView& in : ins) {
    const float* slice = out.data + offset * plane;
    const bool in_place = in.data == slice && in.batch_stride == out.batch_stride;
    if (!in_place) {
      for (int64_t n = 0; n < out.shape.n; ++n) {
        std::memmove(out.image(n) + offset * plane, in.image(n),
                     sizeof(float) * static_cast<size_t>(in.shape.per_image()));
      }
    }
    offset += in.shape.c;
  }
}

}  // namespace incept

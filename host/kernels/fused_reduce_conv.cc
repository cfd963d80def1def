// FusedReduceConvForward: the reduced tensor in full, then Conv2dForward; see the header.
#include "host/kernels/fused_reduce_conv.h"

#include <cstdint>
#include <string>
#include <vector>

#include "graph/error.h"
#include "host/kernels/conv2d.h"
#include "host/kernels/gemm.h"

namespace incept {

void FusedReduceConvForward(ConstTensorView in, const float* reduce_weight,
                            const float* reduce_bias, const float* weight, const float* bias,
                            const FusedReduceConvAttrs& attrs, TensorView out) {
  if (!in.data || !reduce_weight || attrs.reduce_channels < 1) {
    throw Error("FusedReduceConvForward: null input or reduce weight, or reduce_channels " +
                std::to_string(attrs.reduce_channels) + " < 1 (input " + in.shape.str() + ")");
  }
  const Shape reduced_shape{in.shape.n, attrs.reduce_channels, in.shape.h, in.shape.w};
  const int64_t pixels = in.shape.h * in.shape.w;
  std::vector<float> reduced(static_cast<size_t>(reduced_shape.elements()));
  GemmEpilogue epilogue;
  epilogue.row_bias = reduce_bias;
  epilogue.activation = Activation::kReLU;
  for (int64_t n = 0; n < in.shape.n; ++n) {
    Sgemm(attrs.reduce_channels, pixels, in.shape.c, GemmMatrix{reduce_weight, in.shape.c, 1},
          GemmMatrix{in.image(n), pixels, 1},
          GemmOutput{reduced.data() + n * reduced_shape.per_image(), pixels, 1}, epilogue);
  }
  Conv2dForward(ConstTensorView(reduced.data(), reduced_shape), weight, bias, attrs.conv, out);
}

}  // namespace incept

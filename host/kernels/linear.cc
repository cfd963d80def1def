// Fully connected layer; see linear.h.
#include "host/kernels/linear.h"

#include <cstdint>

#include "graph/error.h"
#include "host/kernels/gemm.h"

namespace incept {

void LinearForward(ConstTensorView in, const float* weight, const float* bias, TensorView out) {
  if (!in.data || !out.data || !weight || in.shape.n != out.shape.n || out.shape.h != 1 ||
      out.shape.w != 1) {
    throw Error("LinearForward: input " + in.shape.str() + " -> output " + out.shape.str() +
                " (the output must be (N, M); data and weight must be given)");
  }
  const int64_t features = in.shape.per_image();
  GemmEpilogue epilogue;
  epilogue.col_bias = bias;
  Sgemm(in.shape.n, out.shape.c, features, GemmMatrix{in.data, in.batch_stride, 1},
        GemmMatrix{weight, 1, features}, GemmOutput{out.data, out.batch_stride, 1}, epilogue);
}

}  // namespace incept

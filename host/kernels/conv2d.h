// 2-D convolution, NCHW fp32, with grouped channels and a fused bias + activation.
//
//   out[n][g*Cog + o][y][x] = act(bias[g*Cog + o] + sum_{c < Cig, i < KH, j < KW}
//       weight[g*Cog + o][c][i][j] * in[n][g*Cig + c][y*SH - PT + i][x*SW - PL + j])
//
// where Cig = Cin / groups, Cog = Cout / groups and pixels outside the input are 0. The
// weight has PyTorch's layout [Cout, Cin/groups, KH, KW]. Per image and group the conv is
// one GEMM, weight (Cog x Cig*KH*KW) times the im2col matrix (Cig*KH*KW x OH*OW); a 1x1
// stride-1 unpadded conv reads the input as that matrix directly. Threads: across images
// when the batch divides evenly among them, otherwise inside the GEMM.
#pragma once

#include "graph/op.h"
#include "host/tensor_view.h"

namespace incept {

// out.shape must be the inferred output shape (N, attrs.out_channels, OH, OW); bias may be
// null (then no bias). Throws incept::Error on inconsistent shapes.
void Conv2dForward(ConstTensorView in, const float* weight, const float* bias /*nullable*/,
                   const Conv2dAttrs& attrs, TensorView out);

}  // namespace incept

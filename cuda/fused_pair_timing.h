// Times one reduce -> KxK pair both ways on the current device, for the tactic system and
// the per-pair benchmark (perf/fused_pairs_bench.cc):
//
//   fused  the tensor-core fused reduce conv (cuda/fused_reduce_conv_tc.cuh), each candidate
//          tile height and split of the output channels over blocks (cout_per_block); the
//          fastest is kept
//   pair   cuDNN's two convs as the unfused plan runs them: 1x1 conv + bias + ReLU into a
//          reduced tensor, then the KxK conv + bias + ReLU (cudnnConvolutionBiasActivation-
//          Forward), NHWC, the element type in memory, fp32 accumulation, tensor-op math,
//          each conv's algorithm chosen by cudnnFindConvolutionForwardAlgorithm
//
// Both on seeded random data of the real shapes, on `stream`, after warm-up; times are the
// mean of `iterations` back-to-back runs between two CUDA events (milliseconds).
// A tactic fuses the pair where fused_ms < pair_ms for that pair, batch and element type.
// Thread-safe (each call owns its buffers and its cuDNN handle); throws incept::Error.
#pragma once

#include <cuda_runtime_api.h>

#include <string>
#include <vector>

#include "cuda/kernels/fused_reduce_conv_tc_args.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

struct FusedPairTimingRequest {
  FusedReduceConvAttrs attrs;  // in_channels, reduce_channels, the KxK conv
  int batch = 1, height = 0, width = 0;
  simt::TcElement element = simt::TcElement::kHalf;
  int warmup = 5, iterations = 50;
  std::vector<int> cout_per_block_candidates = {64, 128, 0};  // 0: all channels in one block
  std::vector<int> tile_h_candidates = {8, 4};                // output rows per block
};

struct FusedPairTiming {
  bool fused_supported = false;
  std::string why_not;                           // when !fused_supported
  double fused_ms = 0.0;                         // the fastest candidate
  int best_cout_per_block = 0, best_tile_h = 0;  // the fastest candidate's launch
  double pair_ms = 0.0;                          // reduce_ms + conv_ms, measured together
  double reduce_ms = 0.0, conv_ms = 0.0;
  int reduce_algo = -1, conv_algo = -1;  // cudnnConvolutionFwdAlgo_t
  bool FusedWins() const { return fused_supported && fused_ms < pair_ms; }
};

FusedPairTiming TimeFusedReduceConvPair(const FusedPairTimingRequest& request, cudaStream_t stream);

}  // namespace cuda
}  // namespace incept

// The tensor-core fused 1x1 reduce + ReLU + KxK conv on the GPU, NHWC fp16/bf16
// (cuda/kernels/fused_reduce_conv_tc_kernel.cuh for the algorithm, tiles and shared memory;
// cuda/kernels/fused_reduce_conv_tc_args.h for the arguments and the packed weight layouts).
// Capability: SupportsFusedReduceConvTc. Pointers are device memory; the output may be a
// channel slice of an NHWC concat buffer. Throws incept::Error on a bad argument or a failed
// launch. Thread-safe: no state besides the kernel's shared-memory attribute, set once.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>

#include "cuda/kernels/fused_reduce_conv_tc_args.h"

namespace incept {
namespace cuda {

void FusedReduceConvTcForward(const simt::FusedReduceConvTcArgs& args, cudaStream_t stream);

bool SupportsFusedReduceConvTc(const FusedReduceConvAttrs& attrs, std::string* why = nullptr);

// Dynamic shared memory of one block (bytes) with tile_h-row tiles (8 or 4).
size_t FusedReduceConvTcSharedBytes(const FusedReduceConvAttrs& attrs, int tile_h = 8);

}  // namespace cuda
}  // namespace incept

// The 16-bit tensor-core element types and the warp matrix API for kernels written once
// (cuda/kernels/kernel_defs.cuh): CUDA's own headers under nvcc, cuda/emu/wmma_emu.h under
// the emulator.
//
//   TcElement               kHalf (IEEE fp16) or kBFloat16: the activations' and weights' type
//   TcType<E>::type         __half or __nv_bfloat16
//   TcFromFloat<T>(float)   round to nearest even into T (__float2half_rn / __float2bfloat16_rn)
//   TcToFloat(T)            exact widening
#pragma once

#include "cuda/kernels/fused_reduce_conv_tc_args.h"  // TcElement
#include "cuda/kernels/kernel_defs.cuh"

#if defined(__CUDACC__)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>
#else
#include "cuda/emu/wmma_emu.h"
#endif

namespace incept {
namespace simt {

inline namespace INCEPT_SIMT_ABI {

template <TcElement E>
struct TcType;
template <>
struct TcType<TcElement::kHalf> {
  using type = __half;
};
template <>
struct TcType<TcElement::kBFloat16> {
  using type = __nv_bfloat16;
};

template <typename T>
__device__ __forceinline__ T TcFromFloat(float v);
template <>
__device__ __forceinline__ __half TcFromFloat<__half>(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 TcFromFloat<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}
__device__ __forceinline__ float TcToFloat(__half v) { return __half2float(v); }
__device__ __forceinline__ float TcToFloat(__nv_bfloat16 v) { return __bfloat162float(v); }

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

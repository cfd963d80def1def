// The few definitions that let one kernel source compile both with nvcc (a real GPU
// kernel) and with the host compiler through the emulator (cuda/emu/emu.h).
//
//   INCEPT_UNROLL                   #pragma unroll under nvcc, nothing under emu
//   INCEPT_DYNAMIC_SHARED(T, name)  the block's dynamic shared memory as T* name
//   simt::Stream                    cudaStream_t, or emu::Stream
//   simt::Launch(name, kernel, grid, block, shared_bytes, stream, args...)
//                                   kernel<<<grid, block, shared_bytes, stream>>>(args...),
//                                   checked (incept::Error naming the kernel), or emulated;
//                                   thread-safe (the shared-memory attribute is set once)
//
// Everything compiled from these headers lives in incept::simt's inline namespace cuda_abi
// or emu_abi, so the two builds of one kernel never share a mangled name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "graph/error.h"

#if defined(__CUDACC__)
#include <cuda_runtime.h>

#include <map>
#include <mutex>

#define INCEPT_SIMT_ABI cuda_abi
#define INCEPT_UNROLL _Pragma("unroll")
#define INCEPT_DYNAMIC_SHARED(type, name) extern __shared__ __align__(16) type name[]
#else
#include "cuda/emu/emu.h"

#define INCEPT_SIMT_ABI emu_abi
#define INCEPT_UNROLL
#define INCEPT_DYNAMIC_SHARED(type, name) \
  type* name = static_cast<type*>(::incept::emu::DynamicSharedMemory())
#endif

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

// The default block size of our element-wise kernels.
constexpr int kThreadsPerBlock = 256;

__host__ __device__ __forceinline__ int64_t CeilDiv(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}
__host__ __device__ __forceinline__ int IMin(int a, int b) { return a < b ? a : b; }
__host__ __device__ __forceinline__ int IMax(int a, int b) { return a > b ? a : b; }

// The global index of this thread in a 1-D launch.
__device__ __forceinline__ int64_t GlobalThreadIndex() {
  return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}

// A 1-D grid covering `count` threads of kThreadsPerBlock (count >= 1).
inline dim3 GridFor(int64_t count, const char* op) {
  const int64_t blocks = CeilDiv(count, kThreadsPerBlock);
  if (blocks > 0x7fffffff) throw Error(std::string(op) + ": tensor too large for one launch");
  return dim3(static_cast<unsigned>(blocks));
}

#if defined(__CUDACC__)
using Stream = cudaStream_t;

inline void ThrowCudaLaunchError(cudaError_t e, const char* name, const char* what) {
  throw Error(std::string(what) + " of kernel " + name + " failed: " + cudaGetErrorName(e) + " (" +
              cudaGetErrorString(e) + ")");
}

// Lets `kernel` take `shared_bytes` of dynamic shared memory on the current device.
// cudaFuncAttributeMaxDynamicSharedMemorySize is process-wide state of the kernel, so it is
// set once per (kernel, device), under a lock, to the most the kernel can ever use (the
// device's opt-in limit less the kernel's static shared memory), and never changed again:
// threads launching one kernel with different sizes cannot undo each other's setting.
inline void AllowDynamicShared(const char* name, const void* kernel, size_t shared_bytes) {
  constexpr size_t kDefaultSharedLimit = 48 * 1024;  // needs no attribute
  if (shared_bytes <= kDefaultSharedLimit) return;
  static std::mutex mutex;
  static std::map<std::pair<const void*, int>, size_t> allowed;  // (kernel, device) -> bytes
  int device = 0;
  cudaError_t e = cudaGetDevice(&device);
  if (e != cudaSuccess) ThrowCudaLaunchError(e, name, "cudaGetDevice");
  std::lock_guard<std::mutex> lock(mutex);
  auto it = allowed.find({kernel, device});
  if (it == allowed.end()) {
    int optin = 0;
    cudaFuncAttributes attributes{};
    e = cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device);
    if (e == cudaSuccess) e = cudaFuncGetAttributes(&attributes, kernel);
    if (e != cudaSuccess) ThrowCudaLaunchError(e, name, "shared memory query");
    const size_t most = static_cast<size_t>(optin) > attributes.sharedSizeBytes
                            ? static_cast<size_t>(optin) - attributes.sharedSizeBytes
                            : 0;
    e = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             static_cast<int>(most));
    if (e != cudaSuccess) ThrowCudaLaunchError(e, name, "cudaFuncSetAttribute");
    it = allowed.emplace(std::make_pair(kernel, device), most).first;
  }
  if (shared_bytes > it->second)
    throw Error(std::string("insufficient shared memory for kernel ") + name + ": " +
                std::to_string(shared_bytes) + " bytes needed, the device allows " +
                std::to_string(it->second) + "; use a smaller tile or the unfused path");
}

template <typename... Params, typename... Args>
void Launch(const char* name, void (*kernel)(Params...), dim3 grid, dim3 block, size_t shared_bytes,
            Stream stream, Args&&... args) {
  AllowDynamicShared(name, reinterpret_cast<const void*>(kernel), shared_bytes);
  kernel<<<grid, block, shared_bytes, stream>>>(std::forward<Args>(args)...);
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) ThrowCudaLaunchError(e, name, "launch");
}
#else
using Stream = ::incept::emu::Stream;

template <typename... Params, typename... Args>
void Launch(const char* name, void (*kernel)(Params...), dim3 grid, dim3 block, size_t shared_bytes,
            Stream /*stream*/, Args&&... args) {
  ::incept::emu::Launch(name, kernel, grid, block, shared_bytes, std::forward<Args>(args)...);
}
#endif

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

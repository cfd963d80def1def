// The SIMT emulation layer: compiles our CUDA kernel sources with the host compiler and
// runs them on the CPU, so CI without a GPU executes the very same kernel code.
//
// Model: emu::Launch runs the grid's blocks one after another on the calling OS thread
// (blockIdx.x fastest, then y, then z). Inside a block, every CUDA thread is a cooperative
// fiber (ucontext) with its own stack; a fiber runs until it calls __syncthreads() or
// returns, then the next fiber runs. A barrier is one round over all live fibers, so no
// thread passes barrier k before every thread has reached it: exactly __syncthreads().
// Threads that return early count as arrived (as on sm_70+).
//
//   threadIdx, blockIdx, blockDim, gridDim   thread_local per OS thread; the scheduler sets
//                                            threadIdx before resuming each fiber
//   __shared__                               `static thread_local`: all fibers of a block
//                                            share it (one OS thread), blocks reuse it
//   dynamic shared memory                    one buffer per launch (INCEPT_DYNAMIC_SHARED)
//
// Limits (documented, not emulated): no warp-level primitives (shuffles, votes, warp-
// synchronous code) and no atomics are provided; our kernels avoid them. Blocks never run
// concurrently, so code that relies on inter-block communication would pass here and not
// on a GPU. Shared memory is not re-poisoned between blocks: stale data from the previous
// block is visible, like on a GPU. Launch configuration limits (1024 threads per block,
// grid.y/z <= 65535, 227 KiB of dynamic shared memory) are checked as a GPU would.
#pragma once

#include <math.h>  // the global-namespace float functions kernels call (expf, fmaxf, ...)

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

// ---- CUDA keywords ----------------------------------------------------------------------
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static thread_local
#define __launch_bounds__(...)

// ---- built-in types and variables --------------------------------------------------------
struct uint3 {
  unsigned x = 0, y = 0, z = 0;
};

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
};

inline thread_local uint3 threadIdx;
inline thread_local uint3 blockIdx;
inline thread_local dim3 blockDim;
inline thread_local dim3 gridDim;

// Barrier of all threads of the current block; outside emu::Launch it throws incept::Error.
void __syncthreads();

// ---- device math intrinsics (the CUDA names, as host functions) --------------------------
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __fdividef(float x, float y) { return x / y; }
inline float __saturatef(float x) { return fminf(fmaxf(x, 0.0f), 1.0f); }
template <typename T>
inline T __ldg(const T* p) {
  return *p;
}

namespace incept {
namespace emu {

// Stands in for cudaStream_t; every emulated launch completes before Launch returns.
using Stream = struct StreamTag*;

constexpr unsigned kMaxThreadsPerBlock = 1024;
constexpr unsigned kMaxBlockDimZ = 64;
constexpr unsigned kMaxGridDimYZ = 65535;
constexpr size_t kMaxDynamicSharedBytes = 227 * 1024;  // an H100's opt-in limit per block
constexpr size_t kFiberStackBytes = 256 * 1024;

// Runs body(context) as every thread of every block of the grid (see the file comment).
// Throws incept::Error for an invalid configuration, and rethrows the first exception a
// thread threw (after the block finished).
void RunGrid(const char* name, dim3 grid, dim3 block, size_t dynamic_shared_bytes,
             void (*body)(void*), void* context);

// The current launch's dynamic shared memory (128-byte aligned), or nullptr outside one.
void* DynamicSharedMemory();

// Warp-level emulation support (cuda/emu/wmma_emu.h): BlockSerial() numbers the blocks run
// on this OS thread (a new value for every block of every launch), and a block-end hook runs
// after each block completes; one that throws fails the launch with its error.
uint64_t BlockSerial();
void AddBlockEndHook(void (*hook)());

// kernel<<<grid, block, dynamic_shared_bytes>>>(args...), run on the CPU. The arguments
// are converted to the kernel's parameter types once; every thread receives its own copy.
template <typename... Params, typename... Args>
void Launch(const char* name, void (*kernel)(Params...), dim3 grid, dim3 block,
            size_t dynamic_shared_bytes, Args&&... args) {
  static_assert(sizeof...(Params) == sizeof...(Args), "kernel argument count mismatch");
  struct Context {
    void (*kernel)(Params...);
    std::tuple<std::decay_t<Params>...> params;
  } context{kernel, std::tuple<std::decay_t<Params>...>(std::forward<Args>(args)...)};
  auto body = [](void* c) {
    auto* ctx = static_cast<Context*>(c);
    std::tuple<std::decay_t<Params>...> copy = ctx->params;  // kernel params are by value
    std::apply(ctx->kernel, std::move(copy));
  };
  RunGrid(name, grid, block, dynamic_shared_bytes, body, &context);
}

}  // namespace emu
}  // namespace incept

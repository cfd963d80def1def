// The emulator itself (cuda/emu/emu.h): thread and block indices, __shared__ per block,
// __syncthreads() as a barrier, dynamic shared memory, launch checks.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "cuda/kernels/kernel_defs.cuh"

namespace incept {
namespace {

__global__ void RecordIndices(int* out) {
  const unsigned block = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
  const unsigned thread = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
  const unsigned threads = blockDim.x * blockDim.y * blockDim.z;
  out[block * threads + thread] += static_cast<int>(block * 1000 + thread);
}

TEST(EmuRuntime, EveryThreadOfEveryBlockRunsOnceWithItsIndices) {
  const dim3 grid(3, 2, 2), block(4, 2, 3);
  std::vector<int> out(12 * 24, 0);
  emu::Launch("RecordIndices", &RecordIndices, grid, block, 0, out.data());
  for (int b = 0; b < 12; ++b)
    for (int t = 0; t < 24; ++t) EXPECT_EQ(out[b * 24 + t], b * 1000 + t) << b << " " << t;
}

// Reverses each block's slice through shared memory: correct only with a real barrier,
// since without one thread 0 would read slot 63 before thread 63 wrote it.
constexpr int kReverseThreads = 64;
__global__ void ReverseInBlock(const int* in, int* out) {
  __shared__ int tile[kReverseThreads];
  const int base = blockIdx.x * kReverseThreads;
  tile[threadIdx.x] = in[base + threadIdx.x];
  __syncthreads();
  out[base + threadIdx.x] = tile[kReverseThreads - 1 - threadIdx.x];
}

TEST(EmuRuntime, SyncthreadsIsABarrierAndSharedIsPerBlock) {
  std::vector<int> in(3 * kReverseThreads), out(in.size(), -1);
  std::iota(in.begin(), in.end(), 0);
  emu::Launch("ReverseInBlock", &ReverseInBlock, dim3(3), dim3(kReverseThreads), 0, in.data(),
              out.data());
  for (int b = 0; b < 3; ++b)
    for (int t = 0; t < kReverseThreads; ++t)
      EXPECT_EQ(out[b * kReverseThreads + t], b * kReverseThreads + kReverseThreads - 1 - t);
}

// A tree reduction over dynamic shared memory: log2(128) barriers in a loop, and threads
// that leave early after the last barrier.
constexpr int kSumThreads = 128;
__global__ void BlockSum(const float* in, float* out) {
  INCEPT_DYNAMIC_SHARED(float, partial);
  partial[threadIdx.x] = in[blockIdx.x * kSumThreads + threadIdx.x];
  __syncthreads();
  for (int half = kSumThreads / 2; half > 0; half /= 2) {
    if (static_cast<int>(threadIdx.x) < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x != 0) return;
  out[blockIdx.x] = partial[0];
}

TEST(EmuRuntime, DynamicSharedMemoryAndRepeatedBarriers) {
  std::vector<float> in(2 * kSumThreads), out(2, 0.0f);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(i);
  emu::Launch("BlockSum", &BlockSum, dim3(2), dim3(kSumThreads), kSumThreads * sizeof(float),
              in.data(), out.data());
  EXPECT_EQ(out[0], 127.0f * 128.0f / 2.0f);
  EXPECT_EQ(out[1], (128.0f + 255.0f) * 128.0f / 2.0f);
}

// Threads that return before a barrier the others still reach count as arrived.
__global__ void EarlyExit(int* out) {
  __shared__ int flag;
  if (threadIdx.x == 0) flag = 7;
  if (threadIdx.x >= 16) return;
  __syncthreads();
  out[threadIdx.x] = flag;
}

TEST(EmuRuntime, ThreadsThatExitDoNotBlockTheBarrier) {
  std::vector<int> out(16, 0);
  emu::Launch("EarlyExit", &EarlyExit, dim3(1), dim3(32), 0, out.data());
  for (int v : out) EXPECT_EQ(v, 7);
}

__global__ void Nothing(int) {}

TEST(EmuRuntime, RejectsWhatAGpuRejects) {
  EXPECT_THROW(emu::Launch("Nothing", &Nothing, dim3(1), dim3(1025), 0, 0), Error);
  EXPECT_THROW(emu::Launch("Nothing", &Nothing, dim3(1, 65536), dim3(1), 0, 0), Error);
  EXPECT_THROW(emu::Launch("Nothing", &Nothing, dim3(0), dim3(1), 0, 0), Error);
  EXPECT_THROW(emu::Launch("Nothing", &Nothing, dim3(1), dim3(1), 228 * 1024, 0), Error);
  EXPECT_THROW(__syncthreads(), Error);
}

__global__ void Throws(int at) {
  if (static_cast<int>(threadIdx.x) == at) throw Error("thrown inside a kernel");
}

TEST(EmuRuntime, AnExceptionInAThreadReachesTheCaller) {
  EXPECT_THROW(emu::Launch("Throws", &Throws, dim3(2), dim3(8), 0, 3), Error);
  // The emulator is usable again afterwards.
  std::vector<int> out(16, -1);
  emu::Launch("EarlyExit", &EarlyExit, dim3(1), dim3(32), 0, out.data());
  EXPECT_EQ(out[15], 7);
}

}  // namespace
}  // namespace incept

// The device arena (bounds-checked offsets in one allocation) and the stream fork/join
// helper: two branches write disjoint arena regions after the fork, the parent reads both
// after the join. Skips without a device.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "cuda/check.h"
#include "cuda/device_arena.h"
#include "cuda/stream.h"
#include "graph/error.h"
#include "tests/cuda/gpu_test_util.h"

namespace incept {
namespace {

TEST(DeviceArena, HandsOutRegionsInsideItAndRejectsOthers) {
  INCEPT_REQUIRE_GPU();
  cuda::DeviceArena arena(1 << 20);
  EXPECT_EQ(arena.size(), size_t{1} << 20);
  EXPECT_EQ(arena.At(0, 1 << 20), arena.base());
  EXPECT_EQ(arena.As<float>(256, 4),
            reinterpret_cast<float*>(static_cast<char*>(arena.base()) + 256));
  EXPECT_THROW(arena.At(1 << 20, 1), Error);
  EXPECT_THROW(arena.At(16, (1 << 20) - 15), Error);
  cuda::DeviceArena moved = std::move(arena);
  EXPECT_EQ(moved.size(), size_t{1} << 20);
  EXPECT_EQ(arena.size(), 0u);  // NOLINT: moved-from is empty by contract
}

TEST(DeviceArena, AnImpossibleSizeIsAnErrorNamingTheSize) {
  INCEPT_REQUIRE_GPU();
  try {
    cuda::DeviceArena arena(size_t{1} << 62);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(size_t{1} << 62)), std::string::npos);
  }
}

TEST(StreamFork, BranchesRunAfterTheForkAndTheParentAfterTheJoin) {
  INCEPT_REQUIRE_GPU();
  constexpr size_t kBytes = 1 << 22;
  cuda::DeviceArena arena(2 * kBytes);
  cuda::Stream parent, left, right;
  CUDA_CHECK(cudaMemsetAsync(arena.At(0, 2 * kBytes), 0, 2 * kBytes, parent.get()));
  {
    cuda::StreamFork fork(parent.get(), {left.get(), right.get()});
    CUDA_CHECK(cudaMemsetAsync(arena.At(0, kBytes), 0x11, kBytes, left.get()));
    CUDA_CHECK(cudaMemsetAsync(arena.At(kBytes, kBytes), 0x22, kBytes, right.get()));
    fork.Join();
  }
  std::vector<uint8_t> host(2 * kBytes);
  CUDA_CHECK(cudaMemcpyAsync(host.data(), arena.base(), host.size(), cudaMemcpyDeviceToHost,
                             parent.get()));
  parent.Synchronize();
  EXPECT_EQ(host.front(), 0x11);
  EXPECT_EQ(host[kBytes - 1], 0x11);
  EXPECT_EQ(host[kBytes], 0x22);
  EXPECT_EQ(host.back(), 0x22);
}

}  // namespace
}  // namespace incept

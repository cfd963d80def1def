// The warp-collective bookkeeping of the wmma emulation (see cuda/emu/wmma_emu.h): a log of
// lane 0's calls per warp, checked and consumed by the warp's other lanes in order.
#include "cuda/emu/wmma_emu.h"

#include <array>
#include <deque>
#include <string>
#include <vector>

#include "graph/error.h"

namespace incept {
namespace emu {
namespace warp {
namespace {

constexpr int kWarpSize = 32;

const char* NameOf(CallKind kind) {
  switch (kind) {
    case CallKind::kLoad:
      return "load_matrix_sync";
    case CallKind::kStore:
      return "store_matrix_sync";
    case CallKind::kFill:
      return "fill_fragment";
    case CallKind::kMma:
      return "mma_sync";
  }
  return "?";
}

struct Call {
  CallKind kind;
  const void* pointer;
  unsigned ldm;
  int layout;
  uint64_t operands;
  std::vector<float> result;
};

struct WarpLog {
  std::deque<Call> calls;  // lane 0's calls not yet consumed by the warp's last lane
  uint64_t first = 0;      // the call index of calls.front()
  std::array<uint64_t, kWarpSize> made{};  // collective calls made per lane
};

struct BlockState {
  uint64_t serial = 0;
  std::vector<WarpLog> warps;
  unsigned threads = 0;
};

thread_local BlockState t_block;

unsigned LinearThread() {
  return threadIdx.x + threadIdx.y * blockDim.x + threadIdx.z * blockDim.x * blockDim.y;
}

int LanesIn(unsigned warp, unsigned threads) {
  const unsigned first = warp * kWarpSize;
  return static_cast<int>(threads - first < kWarpSize ? threads - first : kWarpSize);
}

// Every lane made as many collective calls as lane 0 (run after each block).
void CheckBlockEnd() {
  BlockState& b = t_block;
  for (size_t w = 0; w < b.warps.size(); ++w) {
    const WarpLog& log = b.warps[w];
    const int lanes = LanesIn(static_cast<unsigned>(w), b.threads);
    for (int lane = 1; lane < lanes; ++lane)
      if (log.made[lane] != log.made[0])
        throw Error("wmma: warp " + std::to_string(w) + " lane " + std::to_string(lane) + " made " +
                    std::to_string(log.made[lane]) + " warp-collective calls, lane 0 made " +
                    std::to_string(log.made[0]) + " (a collective call skipped by part of a warp)");
  }
  b.warps.clear();
}

BlockState& CurrentBlock() {
  BlockState& b = t_block;
  if (DynamicSharedMemory() == nullptr)
    throw Error("wmma: a warp-collective call outside an emulated kernel launch");
  if (b.serial != BlockSerial()) {
    AddBlockEndHook(&CheckBlockEnd);
    b.serial = BlockSerial();
    b.threads = blockDim.x * blockDim.y * blockDim.z;
    b.warps.assign((b.threads + kWarpSize - 1) / kWarpSize, WarpLog{});
  }
  return b;
}

}  // namespace

[[noreturn]] void Fail(const char* call, const char* what) {
  throw Error(std::string("wmma ") + call + ": " + what);
}

const float* Collective(CallKind kind, const void* pointer, unsigned ldm, int layout,
                        uint64_t operands) {
  BlockState& b = CurrentBlock();
  const unsigned thread = LinearThread();
  WarpLog& log = b.warps[thread / kWarpSize];
  const int lane = static_cast<int>(thread % kWarpSize);
  const uint64_t index = log.made[lane]++;
  if (lane == 0) {
    if (LanesIn(thread / kWarpSize, b.threads) == 1) return nullptr;  // nobody to check
    log.calls.push_back(Call{kind, pointer, ldm, layout, operands, {}});
    return nullptr;
  }
  auto fail = [&](const std::string& what) -> const float* {
    throw Error(std::string("wmma ") + NameOf(kind) + ": warp " +
                std::to_string(thread / kWarpSize) + " lane " + std::to_string(lane) + ", call " +
                std::to_string(index) + ": " + what);
  };
  if (index < log.first || index - log.first >= log.calls.size())
    return fail("lane 0 made no such call (warp divergence around a collective call)");
  const Call& call = log.calls[index - log.first];
  if (call.kind != kind) return fail(std::string("lane 0 called ") + NameOf(call.kind) + " here");
  if (call.pointer != pointer || call.ldm != ldm || call.layout != layout)
    return fail("pointer, ldm or layout differ from lane 0's (arguments must be warp-uniform)");
  if (call.operands != operands)
    return fail("fill value differs from lane 0's (arguments must be warp-uniform)");
  const float* result = call.result.empty() ? nullptr : call.result.data();
  // The warp's last lane consumes the entry; earlier entries are no longer needed.
  if (lane == LanesIn(thread / kWarpSize, b.threads) - 1) {
    while (log.first < index) {
      log.calls.pop_front();
      ++log.first;
    }
  }
  return result;
}

void PublishResult(const float* result, int count) {
  BlockState& b = CurrentBlock();
  WarpLog& log = b.warps[LinearThread() / kWarpSize];
  if (log.calls.empty()) return;  // a one-lane warp
  log.calls.back().result.assign(result, result + count);
}

}  // namespace warp
}  // namespace emu
}  // namespace incept

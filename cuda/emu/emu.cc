// The emulated grid scheduler: blocks in order, a block's threads as ucontext fibers that
// meet at __syncthreads() (see emu.h for the model and its limits).
#include "cuda/emu/emu.h"

#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "graph/error.h"

#if defined(__SANITIZE_ADDRESS__)
#define INCEPT_EMU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INCEPT_EMU_ASAN 1
#endif
#endif
#ifdef INCEPT_EMU_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace incept {
namespace emu {
namespace {

// One fiber stack: an mmap'd region whose lowest page is a guard (an overflow faults).
class FiberStack {
 public:
  FiberStack() {
    page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    bytes_ = kFiberStackBytes + page_;
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw Error("emu: mmap of a fiber stack failed");
    base_ = static_cast<char*>(p);
    mprotect(base_, page_, PROT_NONE);
  }
  FiberStack(const FiberStack&) = delete;
  FiberStack& operator=(const FiberStack&) = delete;
  ~FiberStack() { munmap(base_, bytes_); }
  void* bottom() const { return base_ + page_; }
  size_t size() const { return kFiberStackBytes; }

 private:
  char* base_ = nullptr;
  size_t bytes_ = 0, page_ = 0;
};

struct Fiber {
  ucontext_t context;
  bool done = false;
  uint3 index;
  void* asan_fake_stack = nullptr;
};

// The state of the block being run on this OS thread.
struct BlockRun {
  ucontext_t scheduler;
  std::vector<Fiber> fibers;
  size_t current = 0;
  void (*body)(void*) = nullptr;
  void* context = nullptr;
  std::exception_ptr error;
  const void* scheduler_stack_bottom = nullptr;
  size_t scheduler_stack_size = 0;
};

struct ThreadState {
  std::vector<std::unique_ptr<FiberStack>> stacks;  // reused across launches
  std::vector<char> dynamic_shared;
  void* dynamic_shared_aligned = nullptr;
  BlockRun* run = nullptr;
  uint64_t block_serial = 0;
  std::vector<void (*)()> block_end_hooks;
};

thread_local ThreadState t_state;

// AddressSanitizer must be told about every stack switch; without ASan these are no-ops.
void StartSwitch(void** fake_stack, const void* bottom, size_t size) {
#ifdef INCEPT_EMU_ASAN
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}

void FinishSwitch(void* fake_stack, const void** old_bottom, size_t* old_size) {
#ifdef INCEPT_EMU_ASAN
  __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
#else
  (void)fake_stack, (void)old_bottom, (void)old_size;
#endif
}

// Yields from the running fiber back to the scheduler; returns when resumed.
void YieldToScheduler(BlockRun* run, bool exiting) {
  Fiber& f = run->fibers[run->current];
  StartSwitch(exiting ? nullptr : &f.asan_fake_stack, run->scheduler_stack_bottom,
              run->scheduler_stack_size);
  swapcontext(&f.context, &run->scheduler);
  FinishSwitch(f.asan_fake_stack, &run->scheduler_stack_bottom, &run->scheduler_stack_size);
}

void FiberEntry() {
  BlockRun* run = t_state.run;
  FinishSwitch(nullptr, &run->scheduler_stack_bottom, &run->scheduler_stack_size);
  try {
    run->body(run->context);
  } catch (...) {
    if (!run->error) run->error = std::current_exception();
  }
  run->fibers[run->current].done = true;
  YieldToScheduler(run, /*exiting=*/true);  // never resumed
}

void CheckConfig(const char* name, dim3 grid, dim3 block, size_t shared) {
  auto fail = [&](const std::string& why) {
    throw Error(std::string("emu launch of ") + name + ": " + why);
  };
  const uint64_t threads = uint64_t{block.x} * block.y * block.z;
  if (threads == 0 || threads > kMaxThreadsPerBlock)
    fail("block of " + std::to_string(threads) + " threads (must be 1.." +
         std::to_string(kMaxThreadsPerBlock) + ")");
  if (block.z > kMaxBlockDimZ) fail("blockDim.z > 64");
  if (grid.x == 0 || grid.y == 0 || grid.z == 0) fail("empty grid");
  if (grid.x > 0x7fffffffu) fail("gridDim.x > 2^31-1");
  if (grid.y > kMaxGridDimYZ || grid.z > kMaxGridDimYZ) fail("gridDim.y or .z > 65535");
  if (shared > kMaxDynamicSharedBytes)
    fail("insufficient shared memory: " + std::to_string(shared) + " bytes requested, " +
         std::to_string(kMaxDynamicSharedBytes) + " available; use a smaller tile");
}

void RunBlock(BlockRun& run, dim3 block) {
  ThreadState& st = t_state;
  const size_t threads = run.fibers.size();
  while (st.stacks.size() < threads) st.stacks.push_back(std::make_unique<FiberStack>());
  size_t i = 0;
  for (unsigned z = 0; z < block.z; ++z)
    for (unsigned y = 0; y < block.y; ++y)
      for (unsigned x = 0; x < block.x; ++x, ++i) {
        Fiber& f = run.fibers[i];
        f = Fiber{};
        f.index = uint3{x, y, z};
        getcontext(&f.context);
        f.context.uc_stack.ss_sp = st.stacks[i]->bottom();
        f.context.uc_stack.ss_size = st.stacks[i]->size();
        f.context.uc_link = nullptr;
        makecontext(&f.context, FiberEntry, 0);
      }
  // One round per barrier: every live fiber runs to its next __syncthreads() or its end.
  for (size_t live = threads; live > 0;) {
    live = 0;
    for (i = 0; i < threads; ++i) {
      Fiber& f = run.fibers[i];
      if (f.done) continue;
      run.current = i;
      threadIdx = f.index;
      void* fake_stack = nullptr;
      StartSwitch(&fake_stack, st.stacks[i]->bottom(), st.stacks[i]->size());
      swapcontext(&run.scheduler, &f.context);
      FinishSwitch(fake_stack, nullptr, nullptr);
      if (!f.done) ++live;
    }
  }
}

}  // namespace

void RunGrid(const char* name, dim3 grid, dim3 block, size_t dynamic_shared_bytes,
             void (*body)(void*), void* context) {
  ThreadState& st = t_state;
  if (st.run) throw Error(std::string("emu launch of ") + name + " from inside a kernel");
  CheckConfig(name, grid, block, dynamic_shared_bytes);

  st.dynamic_shared.assign(dynamic_shared_bytes + 128, 0);
  const auto addr = reinterpret_cast<uintptr_t>(st.dynamic_shared.data());
  st.dynamic_shared_aligned = reinterpret_cast<void*>((addr + 127) & ~uintptr_t{127});

  BlockRun run;
  run.fibers.resize(size_t{block.x} * block.y * block.z);
  run.body = body;
  run.context = context;
  st.run = &run;
  gridDim = grid;
  blockDim = block;
  try {
    for (unsigned z = 0; z < grid.z; ++z)
      for (unsigned y = 0; y < grid.y; ++y)
        for (unsigned x = 0; x < grid.x; ++x) {
          blockIdx = uint3{x, y, z};
          ++st.block_serial;
          RunBlock(run, block);
          if (run.error) std::rethrow_exception(run.error);
          for (auto hook : st.block_end_hooks) hook();
        }
  } catch (...) {
    st.run = nullptr;
    st.dynamic_shared_aligned = nullptr;
    throw;
  }
  st.run = nullptr;
  st.dynamic_shared_aligned = nullptr;
}

void* DynamicSharedMemory() { return t_state.dynamic_shared_aligned; }

uint64_t BlockSerial() { return t_state.block_serial; }

void AddBlockEndHook(void (*hook)()) {
  auto& hooks = t_state.block_end_hooks;
  for (auto h : hooks)
    if (h == hook) return;
  hooks.push_back(hook);
}

}  // namespace emu
}  // namespace incept

void __syncthreads() {
  incept::emu::BlockRun* run = incept::emu::t_state.run;
  if (!run) throw incept::Error("__syncthreads() called outside an emulated kernel launch");
  incept::emu::YieldToScheduler(run, /*exiting=*/false);
}

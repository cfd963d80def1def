// NvtxRange: an NVTX range (Nsight Systems and Nsight Compute show it by name) for the
// lifetime of the object. NVTX 3 is header-only (the CUDA toolkit's nvtx3/): without a tool
// attached, a range costs a few nanoseconds (one check of an injection pointer).
//
// Ranges are host-side: pushed while a thread enqueues work. Around eager launches they
// bracket the node's kernels in the tools' correlation; during CUDA graph capture they are
// recorded once, at capture, and are not replayed with the graph, so each replay gets one
// range of its own (CudaContext) and per-node names need eager or isolated runs.
#pragma once

#include <nvtx3/nvToolsExt.h>

namespace incept {
namespace cuda {

class NvtxRange {
 public:
  NvtxRange(const char* name, bool enabled) : enabled_(enabled) {
    if (enabled_) nvtxRangePushA(name);
  }
  ~NvtxRange() {
    if (enabled_) nvtxRangePop();
  }
  NvtxRange(const NvtxRange&) = delete;
  NvtxRange& operator=(const NvtxRange&) = delete;

 private:
  bool enabled_;
};

}  // namespace cuda
}  // namespace incept

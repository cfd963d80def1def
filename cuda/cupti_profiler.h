// CuptiTracer: kernel, memcpy and memset activity records of the GPU (CUPTI's activity API)
// and the tags that map them back to plan nodes (graph/profile/kernel_node_map.h).
//
// Once subscribed (Instance()), CUPTI calls back on the enqueueing thread:
//   - a CUDA graph node was created (stream capture): tagged with the current launch tag
//     (cuda/launch_tag.h), by its CUPTI graph node id;
//   - a graph node was cloned (cudaGraphInstantiate): the clone inherits the tag;
//   - a runtime or driver API call was entered: its correlation id is tagged (eager launches).
// From the first Begin() on, CUPTI records every kernel (CONCURRENT_KERNEL: concurrency is
// kept), memcpy and memset with its start and end (ns), stream, correlation id and graph
// node id, delivered in buffers; Begin() flushes and drops what came before, End() flushes
// and returns the session's records. The activity kinds stay enabled once enabled: an
// enable/disable cycle has been seen to stop later collection for the life of a process,
// so a process that profiles is traced from its first profiled run on. Only graphs captured after
// Instance() have tagged nodes, so a context recaptures its plan for traced replays.
//
// CUPTI allows one subscriber per process, so the tracer is a process-wide singleton. Its
// methods are thread-safe; one Begin()..End() session at a time (Begin throws otherwise).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "graph/profile/kernel_node_map.h"

struct CUgraphNode_st;  // cudaGraphNode_t and CUgraphNode point to it

namespace incept {
namespace cuda {

enum class ActivityKind { kKernel, kMemcpy, kMemset };

struct TracedActivity {
  ActivityKind kind = ActivityKind::kKernel;
  uint64_t start_ns = 0, end_ns = 0;
  uint32_t stream = 0;       // CUPTI's stream id
  uint64_t correlation = 0;  // of the API call that launched it (a graph launch for replays)
  uint64_t graph_node = 0;   // CUPTI's id of the graph node that ran it; 0 if eager
  std::string name;          // kernel name (demangled) or "[memcpy]" / "[memset]"
};

class CuptiTracer {
 public:
  // The process's tracer, subscribed on first use. Throws incept::Error if CUPTI cannot be
  // loaded or refuses the subscription (e.g. another tool holds it).
  static CuptiTracer& Instance();

  void Begin();
  // Flushes and returns the records since Begin(). The map's API-call tags stay until
  // map().ForgetApiCalls().
  std::vector<TracedActivity> End();
  size_t dropped() const;  // records CUPTI dropped in the last session

  const profile::KernelNodeMap& map() const { return map_; }
  profile::KernelNodeMap& map() { return map_; }
  // Tags a graph node by its CUPTI id (the capture-side check of the created callback: a
  // context lists the nodes its launch added to the graph being captured).
  void TagGraphNode(CUgraphNode_st* node, const profile::LaunchTag& tag);
  void AddRecord(TracedActivity record);  // from the buffer callback
  void AddDropped(size_t count);

 private:
  CuptiTracer();
  profile::KernelNodeMap map_;
  mutable std::mutex mutex_;
  bool tracing_ = false;
  bool enabled_ = false;  // activity kinds enabled (by the first Begin(), for good)
  std::vector<TracedActivity> records_;
  size_t dropped_ = 0;
};

}  // namespace cuda
}  // namespace incept

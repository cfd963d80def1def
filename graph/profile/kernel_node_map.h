// KernelNodeMap: which plan node launched a traced kernel (or memset, or copy).
//
// A tracer (CUPTI, cuda/cupti_profiler.h) reports, while a context enqueues its plan, the
// "launch tag" (context, node) active on the enqueueing thread for:
//   - every CUDA graph node created during stream capture (its graph node id), and
//   - every runtime or driver API call (its correlation id), for eager launches;
// and, when a graph is instantiated, every node cloned from an original (the executable
// graph's nodes are clones, and a replayed kernel's record carries the clone's id).
// A kernel record then finds its tag through its graph node id (replays of a captured
// graph; 0 if launched eagerly) or else its correlation id. Clones of clones resolve to
// the first original's tag. A node that launches several kernels (cuDNN's, cuBLAS's or
// ours) has all of them mapped to it, since every graph node or API call made while its tag
// is active carries it.
//
// Thread-safe: callbacks may come from any thread; every method takes one mutex.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace incept::profile {

struct LaunchTag {
  uint64_t context = 0;  // which execution context (its own id, never 0)
  int node = -1;         // the plan node being launched
  bool operator==(const LaunchTag& o) const { return context == o.context && node == o.node; }
};

class KernelNodeMap {
 public:
  void OnGraphNodeCreated(uint64_t graph_node_id, const LaunchTag& tag);
  // Ignored if the original is not tagged (nodes created outside a node launch).
  void OnGraphNodeCloned(uint64_t original_id, uint64_t clone_id);
  void OnApiCall(uint64_t correlation_id, const LaunchTag& tag);

  // graph_node_id 0 means "not launched by a graph".
  std::optional<LaunchTag> Find(uint64_t graph_node_id, uint64_t correlation_id) const;

  void ForgetApiCalls();  // correlation ids of a finished run are never seen again
  size_t graph_nodes() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, LaunchTag> by_graph_node_;
  std::unordered_map<uint64_t, LaunchTag> by_correlation_;
};

}  // namespace incept::profile

// The launch tag: which (context, node) the calling thread is enqueueing right now. A
// CudaContext sets it around each node's launch; the CUPTI tracer's callbacks read it to
// tag the graph nodes created during capture and the API calls of eager launches
// (graph/profile/kernel_node_map.h). Thread-local, so contexts on other threads never mix.
#pragma once

#include <atomic>
#include <cstdint>

#include "graph/profile/kernel_node_map.h"

namespace incept {
namespace cuda {

// The tag of the launch in progress on this thread, or nullptr.
const profile::LaunchTag* CurrentLaunchTag();

// A fresh context id (never 0), unique in the process.
uint64_t NewLaunchContextId();

class ScopedLaunchTag {
 public:
  explicit ScopedLaunchTag(const profile::LaunchTag& tag);
  ~ScopedLaunchTag();
  ScopedLaunchTag(const ScopedLaunchTag&) = delete;
  ScopedLaunchTag& operator=(const ScopedLaunchTag&) = delete;

 private:
  profile::LaunchTag tag_;
  const profile::LaunchTag* previous_;
};

}  // namespace cuda
}  // namespace incept

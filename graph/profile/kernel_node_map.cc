// KernelNodeMap: two hash maps under one mutex.
#include "graph/profile/kernel_node_map.h"

namespace incept::profile {

void KernelNodeMap::OnGraphNodeCreated(uint64_t graph_node_id, const LaunchTag& tag) {
  std::lock_guard<std::mutex> lock(mutex_);
  by_graph_node_[graph_node_id] = tag;
}

void KernelNodeMap::OnGraphNodeCloned(uint64_t original_id, uint64_t clone_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_graph_node_.find(original_id);
  if (it != by_graph_node_.end()) by_graph_node_[clone_id] = it->second;
}

void KernelNodeMap::OnApiCall(uint64_t correlation_id, const LaunchTag& tag) {
  std::lock_guard<std::mutex> lock(mutex_);
  by_correlation_[correlation_id] = tag;
}

std::optional<LaunchTag> KernelNodeMap::Find(uint64_t graph_node_id,
                                             uint64_t correlation_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (graph_node_id != 0) {
    auto it = by_graph_node_.find(graph_node_id);
    if (it != by_graph_node_.end()) return it->second;
    return std::nullopt;  // a graph's kernel: its correlation id is the graph launch's
  }
  auto it = by_correlation_.find(correlation_id);
  if (it != by_correlation_.end()) return it->second;
  return std::nullopt;
}

void KernelNodeMap::ForgetApiCalls() {
  std::lock_guard<std::mutex> lock(mutex_);
  by_correlation_.clear();
}

size_t KernelNodeMap::graph_nodes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return by_graph_node_.size();
}

}  // namespace incept::profile

#include "graph/backend.h"

#include <map>

#include "graph/error.h"

namespace incept {
namespace {

std::map<std::string, BackendFactory>& Registry() {
  static std::map<std::string, BackendFactory> registry;
  return registry;
}

}  // namespace

bool RegisterBackend(const std::string& name, BackendFactory factory) {
  Registry()[name] = std::move(factory);
  return true;
}

std::unique_ptr<Backend> CreateBackend(const std::string& name) {
  auto it = Registry().find(name);
  if (it == Registry().end()) {
    std::string known;
    for (const auto& [n, f] : Registry()) known += (known.empty() ? "" : ", ") + n;
    throw Error("backend \"" + name + "\" is not built in (available: " + known + ")");
  }
  return it->second();
}

std::vector<std::string> BackendNames() {
  std::vector<std::string> names;
  for (const auto& [n, f] : Registry()) names.push_back(n);
  return names;
}

std::vector<ReduceFusionDecision> Backend::ChooseReduceFusions(const Graph& graph,
                                                               const WeightMap& weights,
                                                               const ReduceFusionRequest& request) {
  (void)weights;
  switch (request.mode) {
    case ReduceFusionMode::kNever:
      return UniformReduceFusions(graph, false, FusionReason::kOption, "fuse_reduce off");
    case ReduceFusionMode::kAlways:
      return UniformReduceFusions(graph, true, FusionReason::kOption, "fuse_reduce on");
    case ReduceFusionMode::kBackendChooses:
      break;
  }
  return UniformReduceFusions(graph, true, FusionReason::kHostDefault);
}

}  // namespace incept

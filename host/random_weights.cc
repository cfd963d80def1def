#include "host/random_weights.h"

#include <cmath>
#include <random>

#include "graph/shape_inference.h"

namespace incept {

WeightMap RandomWeights(const Graph& graph, uint64_t seed) {
  std::mt19937_64 rng(seed);
  WeightMap weights;
  for (const Node& node : graph.nodes) {
    for (const auto& [role, dims] : NodeParamShapes(graph, node)) {
      const std::string& name = node.params.at(role);
      if (weights.count(name)) continue;
      Tensor t(dims);
      const bool is_bn = node.op == OpKind::kBatchNorm;
      if (!is_bn && dims.size() >= 2) {
        const double fan_in = static_cast<double>(t.elements() / dims[0]);
        std::normal_distribution<float> he(0.0f, static_cast<float>(std::sqrt(2.0 / fan_in)));
        for (float& v : t.data) v = he(rng);
      } else {
        const bool around_one = is_bn && (role == "weight" || role == "running_var");
        std::uniform_real_distribution<float> u(around_one ? 0.5f : -0.1f,
                                                around_one ? 1.5f : 0.1f);
        for (float& v : t.data) v = u(rng);
      }
      weights[name] = std::move(t);
    }
  }
  return weights;
}

}  // namespace incept

// Engine: a model (graph + weights) bound to a backend, the embedding API of incept.
//
//   Graph graph = LoadGraph("model_zoo/googlenet_torchvision.json");
//   WeightMap weights = LoadSafetensors("googlenet.safetensors");
//   Engine engine(std::move(graph), std::move(weights), {});
//   std::vector<Tensor> logits = engine.Run(batch);  // batch: (N, 3, 224, 224)
//
// The graph passes run once, at construction. The plan (stream schedule, memory plan) and
// the backend's executable are built per input shape on first use and cached: any batch
// and spatial size the network accepts runs.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "graph/backend.h"
#include "graph/element_type.h"
#include "graph/graph.h"
#include "graph/passes/passes.h"
#include "graph/planner/plan.h"
#include "graph/tensor.h"

namespace incept {

struct EngineOptions {
  std::string backend = "auto";   // "host", "cuda", or "auto" (cuda if usable, else host)
  bool optimize = true;           // run the graph passes
  int streams = 4;                // most concurrent streams in the schedule
  bool merge_horizontal = false;  // merge 1x1 convs sharing an input (OptimizeOptions)
  // Fuse each 1x1 reduce into its KxK conv; unset: the backend's preference
  // (Backend::PrefersReduceFusion).
  std::optional<bool> fuse_reduce = std::nullopt;
  // Element types of the plan and math of the convs and the FC (graph/planner/
  // precision_policy.h); the input and the outputs stay fp32. The host backend rounds like
  // the device under fp16 and bf16 (host_backend.h) and computes tf32 in fp32.
  Precision precision = Precision::kFp32;
};

// Schedules `graph` (shapes inferred) on at most `streams` streams, plans its fp32 memory
// and checks the plan (CheckNoOverlap).
Plan MakePlan(const Graph& graph, int streams);

class Engine {
 public:
  // `graph` as loaded (shapes inferred); `weights` must hold every parameter it names
  // (checked here, with an error naming the node, tensor and shapes).
  Engine(Graph graph, WeightMap weights, EngineOptions options);
  ~Engine();

  std::vector<Tensor> Run(const Tensor& input, const RunOptions& run = {});

  // A graph planned for one input shape.
  struct Prepared {
    Graph graph;
    Plan plan;
    std::unique_ptr<Executable> executable;
  };
  const Prepared& Prepare(const Shape& input_shape);

  const std::string& backend_name() const { return backend_name_; }
  // Why "auto" fell back to the host ("" if it did not).
  const std::string& fallback_reason() const { return fallback_reason_; }
  const PassReport& pass_report() const { return report_; }
  // Tensors of the given weights that the inference graph does not use (aux heads,
  // BatchNorm's num_batches_tracked, ...), sorted; reported, not an error.
  const std::vector<std::string>& unused_weights() const { return unused_weights_; }
  const Graph& optimized_graph() const { return graph_; }

 private:
  Graph graph_;  // after the passes
  WeightMap weights_;
  EngineOptions options_;
  PassReport report_;
  std::unique_ptr<Backend> backend_;
  std::string backend_name_, fallback_reason_;
  std::vector<std::string> unused_weights_;
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, std::unique_ptr<Prepared>> prepared_;
};

}  // namespace incept

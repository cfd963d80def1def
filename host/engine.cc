#include "host/engine.h"

#include <algorithm>
#include <set>

#include "graph/error.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/precision_policy.h"
#include "graph/planner/schedule.h"
#include "graph/shape_inference.h"
#include "graph/stats.h"
#include "host/host_backend.h"

namespace incept {
namespace {

// Names of the tensors in `weights` that no node on the inference path reads.
std::vector<std::string> UnusedWeights(const Graph& graph, const WeightMap& weights) {
  std::vector<bool> live = ReachableFrom(graph, graph.outputs);
  std::set<std::string> used;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (live[i])
      for (const auto& [role, tensor] : graph.nodes[i].params) used.insert(tensor);
  std::vector<std::string> unused;
  for (const auto& [name, tensor] : weights)
    if (!used.count(name)) unused.push_back(name);
  return unused;
}

// Keeps only the tensors the graph names (after folding, the BatchNorm statistics and the
// unfolded conv weights are no longer needed).
void PruneWeights(const Graph& graph, WeightMap& weights) {
  std::set<std::string> used;
  for (const Node& node : graph.nodes)
    for (const auto& [role, tensor] : node.params) used.insert(tensor);
  for (auto it = weights.begin(); it != weights.end();)
    it = used.count(it->first) ? std::next(it) : weights.erase(it);
}

}  // namespace

Plan MakePlan(const Graph& graph, int streams) {
  Plan plan = ScheduleStreams(graph, streams);
  PlanMemory(graph, plan);
  CheckNoOverlap(graph, plan);
  return plan;
}

Engine::Engine(Graph graph, WeightMap weights, EngineOptions options)
    : graph_(std::move(graph)), weights_(std::move(weights)), options_(std::move(options)) {
  RegisterHostBackend();
  if (options_.streams < 1) throw Error("streams must be >= 1");
  InferShapes(graph_);
  CheckWeights(graph_, weights_);
  unused_weights_ = UnusedWeights(graph_, weights_);
  std::string wanted = options_.backend;
  if (wanted == "auto") {
    std::vector<std::string> names = BackendNames();
    bool has_cuda = std::find(names.begin(), names.end(), "cuda") != names.end();
    wanted = "host";
    if (has_cuda) {
      std::unique_ptr<Backend> cuda = CreateBackend("cuda");
      fallback_reason_ = cuda->Unavailable();
      if (fallback_reason_.empty()) fallback_reason_ = cuda->CannotRun(options_.precision);
      if (fallback_reason_.empty()) wanted = "cuda";
    } else {
      fallback_reason_ = "this build has no CUDA backend";
    }
  }
  backend_ = CreateBackend(wanted);
  if (std::string why = backend_->Unavailable(); !why.empty())
    throw Error("backend \"" + wanted + "\" cannot run here: " + why);
  backend_name_ = wanted;
  if (std::string why = backend_->CannotRun(options_.precision); !why.empty())
    throw Error("backend \"" + wanted + "\" cannot run precision " +
                PrecisionName(options_.precision) + ": " + why);

  if (options_.optimize) {
    OptimizeOptions passes;
    passes.merge_horizontal = options_.merge_horizontal;
    passes.fuse_reduce = options_.fuse_reduce.value_or(backend_->PrefersReduceFusion());
    report_ = OptimizeGraph(graph_, weights_, passes);
  } else {
    // As loaded, but without the aux heads: they are not part of the inference graph (and
    // their fixed FC sizes would refuse other input sizes).
    graph_.aux_outputs.clear();
    std::vector<bool> live = ReachableFrom(graph_, graph_.outputs);
    std::vector<Node> kept;
    for (size_t i = 0; i < graph_.nodes.size(); ++i)
      if (live[i]) kept.push_back(std::move(graph_.nodes[i]));
    graph_.nodes = std::move(kept);
  }
  PruneWeights(graph_, weights_);
}

Engine::~Engine() = default;

const Engine::Prepared& Engine::Prepare(const Shape& input_shape) {
  auto key = std::make_tuple(input_shape.n, input_shape.c, input_shape.h, input_shape.w);
  auto it = prepared_.find(key);
  if (it != prepared_.end()) return *it->second;
  auto prepared = std::make_unique<Prepared>();
  prepared->graph = graph_;
  InferShapes(prepared->graph, input_shape);
  prepared->plan = MakePlan(prepared->graph, options_.streams);
  if (options_.precision != Precision::kFp32)
    PlanMemoryForPrecision(prepared->graph, prepared->plan, options_.precision);
  prepared->executable = backend_->Compile(prepared->graph, weights_, prepared->plan);
  return *(prepared_[key] = std::move(prepared));
}

std::vector<Tensor> Engine::Run(const Tensor& input, const RunOptions& run) {
  if (input.dims.size() != 4)
    throw Error("input must be 4-D (N, C, H, W), got " + input.dims_str());
  Shape shape{input.dims[0], input.dims[1], input.dims[2], input.dims[3]};
  return Prepare(shape).executable->Run(input, run);
}

}  // namespace incept

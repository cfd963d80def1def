#include "host/host_backend.h"

#include <chrono>
#include <cstring>
#include <limits>

#include "graph/error.h"
#include "graph/float16.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/precision_policy.h"
#include "graph/planner/views.h"
#include "host/host_ceilings.h"
#include "host/host_ops.h"
#include "host/memory_budget.h"

namespace incept {
namespace {

// The plan the host executes. An fp32 plan as it is. A plan with per-value formats (fp16,
// bf16) keeps its schedule and gets an fp32 NCHW memory plan: the host's arena holds every
// value as fp32, rounded to its planned type after the node writing it (the rounding mode).
Plan HostExecutionPlan(const Graph& graph, const Plan& plan) {
  if (plan.values.size() != graph.nodes.size() ||
      (plan.bytes_per_element != 4 && plan.bytes_per_element != 0))
    throw Error("host backend: the plan has no fp32 or per-value memory plan for this graph");
  if (plan.bytes_per_element == 4) return plan;
  Plan fp32 = plan;
  std::vector<int64_t> workspaces;
  for (const WorkspacePlacement& w : plan.workspaces) workspaces.push_back(w.bytes);
  PlanMemory(graph, fp32, 4, plan.alignment, workspaces);
  fp32.precision = plan.precision;
  CheckNoOverlap(graph, fp32);
  return fp32;
}

using RoundFn = float (*)(float);

// fp32 -> the nearest value of `type` (round to nearest even), as an fp32; null for fp32.
RoundFn RounderFor(ElementType type) {
  switch (type) {
    case ElementType::kF32:
      return nullptr;
    case ElementType::kF16:
      return RoundToHalf;
    case ElementType::kBF16:
      return RoundToBFloat16;
  }
  return nullptr;
}

class HostExecutable : public Executable {
 public:
  HostExecutable(const Graph& graph, const WeightMap& weights, const Plan& plan)
      : graph_(graph), plan_(HostExecutionPlan(graph, plan)), views_(AnalyzeViews(graph)) {
    // Rounding mode: each value rounded to its planned type; the weights of the tensor-core
    // ops rounded once to the storage type (BatchNorm already folded in fp32).
    const RoundFn weight_rounder = RounderFor(StorageType(plan.precision));
    for (size_t i = 0; i < graph_.nodes.size(); ++i)
      output_rounder_.push_back(plan.bytes_per_element == 0 ? RounderFor(plan.values[i].format.type)
                                                            : nullptr);
    for (const Node& node : graph_.nodes) {
      NodeParams params;
      for (const auto& [role, tensor] : node.params) {
        auto it = weights.find(tensor);
        if (it == weights.end())
          throw Error("host backend: node \"" + node.name + "\": tensor \"" + tensor +
                      "\" is not in the weights");
        params[role] = &it->second;
        if (weight_rounder && WeightsInStorageType(node.op)) {
          auto [rounded, fresh] = rounded_weights_.try_emplace(tensor, it->second);
          if (fresh)
            for (float& x : rounded->second.data) x = weight_rounder(x);
          params[role] = &rounded->second;
        }
      }
      params_.push_back(std::move(params));
    }
    // The arena's size is known from the plan: more than the machine has available can
    // never succeed, so say so instead of trying (and instead of relying on bad_alloc, which
    // sanitizers and overcommit do not always deliver).
    const std::vector<int> inputs = graph_.InputIndices();
    const std::string who =
        "host backend: batch " +
        (inputs.empty() ? std::string("?") : std::to_string(graph_.nodes[inputs[0]].shape.n));
    const std::string purpose = "of activations (arena)", advice = "use a smaller batch";
    RequireHostMemory(who, plan_.arena_bytes, purpose, advice);
    try {
      arena_.assign(static_cast<size_t>(plan_.arena_bytes / 4 + 1), 0.0f);
    } catch (const std::exception&) {  // bad_alloc or length_error
      throw Error(AllocationFailure(who, plan_.arena_bytes, purpose, advice));
    }
    ComputeDeaths();
  }

  std::vector<Tensor> Run(const Tensor& input, const RunOptions& options) override {
    std::vector<int> inputs = graph_.InputIndices();
    if (inputs.size() != 1) throw Error("host backend: the graph must have exactly one input");
    const Shape& in_shape = graph_.nodes[inputs[0]].shape;
    if (input.dims != std::vector<int64_t>{in_shape.n, in_shape.c, in_shape.h, in_shape.w})
      throw Error("host backend: input has shape " + input.dims_str() +
                  ", the plan was built for " + in_shape.str());
    if (options.poison) std::fill(arena_.begin(), arena_.end(), Nan());
    std::memcpy(View(inputs[0]).data, input.data.data(), input.data.size() * sizeof(float));

    const auto run_start = std::chrono::steady_clock::now();
    for (const StepRef& ref : plan_.order) {
      const Step& step = plan_.streams[ref.stream][ref.index];
      if (step.kind != StepKind::kLaunch) continue;
      const Node& node = graph_.nodes[step.node];
      std::vector<ConstTensorView> in;
      for (int p : views_.inputs[step.node]) in.push_back(View(p));
      const auto start = std::chrono::steady_clock::now();
      RunHostNode(node, in, params_[step.node], View(step.node));
      if (RoundFn round = output_rounder_[step.node]) Round(View(step.node), round);
      if (options.timings) {
        using Us = std::chrono::duration<double, std::micro>;
        const auto end = std::chrono::steady_clock::now();
        NodeTiming timing;
        timing.node = step.node;
        timing.stream = ref.stream;
        timing.start_us = Us(start - run_start).count();
        timing.duration_us = Us(end - start).count();
        options.timings->push_back(std::move(timing));
      }
      if (options.poison)
        for (int dead : dies_after_[step.node]) Poison(dead);
    }

    if (options.run_us)
      *options.run_us =
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - run_start)
              .count();

    std::vector<Tensor> outputs;
    for (const std::string& name : graph_.outputs) {
      int i = graph_.IndexOf(name);
      const Shape& s = graph_.nodes[i].shape;
      Tensor t(s.dims());
      ConstTensorView v = View(i);
      for (int64_t n = 0; n < s.n; ++n)
        std::memcpy(t.data.data() + n * s.per_image(), v.image(n), s.per_image() * sizeof(float));
      outputs.push_back(std::move(t));
    }
    return outputs;
  }

 private:
  static float Nan() { return std::numeric_limits<float>::quiet_NaN(); }

  // The view of node i's value: element 0 at its planned offset; a slice or channel view
  // strides over its root's images.
  TensorView View(int i) {
    const ValuePlacement& v = plan_.values[i];
    const Shape& shape = graph_.nodes[i].shape;
    const Shape& root = graph_.nodes[v.root].shape;
    const bool strided_in_root = v.kind == ValueKind::kSlice || v.kind == ValueKind::kChannelView;
    int64_t stride = strided_in_root ? root.per_image() : shape.per_image();
    return TensorView(arena_.data() + v.offset / 4, shape, stride);
  }

  // For every buffer root, the launch after which it dies: its last reader in plan.order.
  // Outputs never die.
  void ComputeDeaths() {
    dies_after_.assign(graph_.nodes.size(), {});
    std::vector<int> launch_index(graph_.nodes.size(), -1);
    int count = 0;
    for (const StepRef& ref : plan_.order) {
      const Step& step = plan_.streams[ref.stream][ref.index];
      if (step.kind == StepKind::kLaunch) launch_index[step.node] = count++;
    }
    // A buffer holding an output, itself or through a view, stays alive.
    std::vector<bool> holds_output(graph_.nodes.size(), false);
    for (size_t j = 0; j < graph_.nodes.size(); ++j)
      if (views_.is_output[j]) holds_output[plan_.values[j].root] = true;
    for (size_t i = 0; i < graph_.nodes.size(); ++i) {
      if (views_.kind[i] != ValueKind::kBuffer || holds_output[i]) continue;
      int last = -1;
      for (int r : views_.readers[i])
        if (last < 0 || launch_index[r] > launch_index[last]) last = r;
      if (last >= 0) dies_after_[last].push_back(static_cast<int>(i));
    }
  }

  // Rounds every element of a value (each image's C*H*W elements are contiguous, a slice's
  // too).
  static void Round(const TensorView& v, RoundFn round) {
    for (int64_t n = 0; n < v.shape.n; ++n) {
      float* image = v.image(n);
      for (int64_t i = 0; i < v.shape.per_image(); ++i) image[i] = round(image[i]);
    }
  }

  void Poison(int root) {
    const ValuePlacement& v = plan_.values[root];
    std::fill_n(arena_.data() + v.offset / 4, v.bytes / 4, Nan());
  }

  const Graph graph_;
  const Plan plan_;
  const GraphViews views_;
  std::vector<NodeParams> params_;
  WeightMap rounded_weights_;            // the rounding mode's copies of tensor-core weights
  std::vector<RoundFn> output_rounder_;  // per node; null: fp32, no rounding
  std::vector<float> arena_;
  std::vector<std::vector<int>> dies_after_;
};

class HostBackend : public Backend {
 public:
  std::string name() const override { return "host"; }
  std::string Unavailable() const override { return ""; }
  // One kernel per op: every launched node gets the host reference kernel.
  void AssignTactics(const Graph& graph, const WeightMap&, Plan& plan) override {
    AssignUniformTactics(graph, plan, TacticKind::kHostKernel, "host");
  }
  std::unique_ptr<Executable> Compile(const Graph& graph, const WeightMap& weights,
                                      const Plan& plan) override {
    return std::make_unique<HostExecutable>(graph, weights, plan);
  }
  DeviceCeilings MeasureCeilings() override { return MeasureHostCeilings(); }
};

}  // namespace

std::unique_ptr<Backend> MakeHostBackend() { return std::make_unique<HostBackend>(); }

void RegisterHostBackend() {
  static const bool registered = RegisterBackend("host", MakeHostBackend);
  (void)registered;
}

}  // namespace incept

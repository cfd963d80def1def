// CudaBackend: availability, the shared weight upload, contexts; the "cuda" registrar.
#include "cuda/cuda_backend.h"

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <optional>
#include <utility>

#include "cuda/ceiling_probe.h"
#include "cuda/plan_tactics.h"
#include "graph/error.h"
#include "graph/planner/tactic_select.h"
#include "graph/planner/timing_cache.h"
#include "graph/planner/views.h"

namespace incept {
namespace cuda {

CudaBackend::CudaBackend(ContextOptions options) : options_(std::move(options)) {}

std::string CudaBackend::Unavailable() const {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    (void)cudaGetLastError();  // leave no error behind for later calls
    return std::string("no CUDA device (cudaGetDeviceCount: ") + cudaGetErrorName(status) + ": " +
           cudaGetErrorString(status) + ")";
  }
  if (count < 1) return "no CUDA device (cudaGetDeviceCount: 0 devices)";
  return "";
}

std::string CudaBackend::CannotRun(Precision precision) const {
  if (precision == Precision::kFp32) return "";
  int device = 0, major = 0, minor = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) != cudaSuccess ||
      cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device) != cudaSuccess) {
    (void)cudaGetLastError();
    return "cannot read the device's compute capability";
  }
  const std::string name = PrecisionName(precision);
  const std::string capability = std::to_string(major) + "." + std::to_string(minor);
  if ((precision == Precision::kTf32 || precision == Precision::kBf16) && major < 8)
    return name + " needs compute capability 8.0 or newer; device " + std::to_string(device) +
           " has " + capability;
  if (IsReduced(precision))
    return name + " kernels are not bound in the cuda backend yet (run --backend host for the " +
           "rounding reference, or --precision fp32 or tf32 on the GPU)";
  return "";
}

namespace {

// The context options a plan asks for: tensor-op math under tf32.
ContextOptions OptionsForPlan(ContextOptions options, const Plan& plan) {
  if (plan.precision == Precision::kTf32) options.math = ConvMath::kTf32;
  return options;
}

}  // namespace

std::shared_ptr<const DeviceWeights> CudaBackend::Upload(const WeightMap& weights) {
  const uint64_t fingerprint = WeightsFingerprint(weights);
  int device = 0;
  (void)cudaGetDevice(&device);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!cached_ || cached_->fingerprint() != fingerprint || cached_->device() != device)
    cached_ = std::make_shared<const DeviceWeights>(weights);
  return cached_;
}

std::unique_ptr<CudaContext> CudaBackend::CreateContext(
    const Graph& graph, const Plan& plan, std::shared_ptr<const DeviceWeights> weights) const {
  return std::make_unique<CudaContext>(graph, plan, std::move(weights),
                                       OptionsForPlan(options_, plan));
}

// The conv policy: the one the plan's tactics record (AssignTactics, or an engine file),
// else, as before tactics existed, both built and timed and the faster kept: cuDNN's
// heuristic algorithms, or each conv's fastest algorithm timed alone. Timed alone wins at
// large batches; at batch 1 the heuristic's choices leave more of the GPU to the other
// streams and win (H200: perf/results/2026-11-27-h200.md).
std::unique_ptr<Executable> CudaBackend::Compile(const Graph& graph, const WeightMap& weights,
                                                 const Plan& plan) {
  std::shared_ptr<const DeviceWeights> device_weights = Upload(weights);
  if (std::optional<ConvChoice> choice = RecordedConvChoice(plan)) {
    ContextOptions chosen = OptionsForPlan(options_, plan);
    chosen.conv_algorithms_by_timing = *choice == ConvChoice::kTimedAlone;
    chosen.conv_algorithms = RecordedConvAlgorithms(plan);  // every conv's: nothing timed
    return std::make_unique<CudaContext>(graph, plan, device_weights, chosen);
  }
  if (!options_.keep_faster_algorithm_choice) return CreateContext(graph, plan, device_weights);
  constexpr int kReplays = 10;
  ContextOptions heuristic = OptionsForPlan(options_, plan), timed = heuristic;
  heuristic.conv_algorithms_by_timing = false;
  timed.conv_algorithms_by_timing = true;
  auto best = std::make_unique<CudaContext>(graph, plan, device_weights, heuristic);
  const double best_ms = best->TimeReplays(kReplays);
  try {
    auto other = std::make_unique<CudaContext>(graph, plan, device_weights, timed);
    if (other->TimeReplays(kReplays) < best_ms) best = std::move(other);
  } catch (const Error&) {
    // e.g. out of memory for a second arena: the heuristic context stands.
  }
  return best;
}

namespace {

// One sample of a candidate plan: the median of a few replays of its CUDA graph.
class ReplayTimer : public TacticTimer {
 public:
  explicit ReplayTimer(std::vector<std::unique_ptr<CudaContext>>& contexts) : contexts_(contexts) {}
  double TimeUs(int index) override { return 1000.0 * contexts_.at(index)->TimeReplays(3); }

 private:
  std::vector<std::unique_ptr<CudaContext>>& contexts_;
};

// The same for two contexts not held in one vector: 0 the incumbent, 1 the challenger.
class TwoContextTimer : public TacticTimer {
 public:
  TwoContextTimer(CudaContext* incumbent, CudaContext* challenger)
      : incumbent_(incumbent), challenger_(challenger) {}
  double TimeUs(int index) override {
    return 1000.0 * (index ? challenger_ : incumbent_)->TimeReplays(3);
  }

 private:
  CudaContext* incumbent_;
  CudaContext* challenger_;
};

std::string VersionString(int major, int minor, int patch = -1) {
  return std::to_string(major) + "." + std::to_string(minor) +
         (patch >= 0 ? "." + std::to_string(patch) : "");
}

}  // namespace

void CudaBackend::AssignTactics(const Graph& graph, const WeightMap& weights, Plan& plan) {
  const ContextOptions options = OptionsForPlan(options_, plan);
  ConvTactics convs;
  convs.math = options.math == ConvMath::kFp32 ? MathType::kFma : MathType::kDefault;
  if (!options.keep_faster_algorithm_choice) {
    convs.choice =
        options.conv_algorithms_by_timing ? ConvChoice::kTimedAlone : ConvChoice::kHeuristic;
    FillCudaTactics(graph, plan, convs);
    return;
  }
  // 0. The timing cache: when it holds every conv of this plan, nothing is timed. The
  // first candidate of an entry is the algorithm chosen (in the plan it was timed in).
  std::shared_ptr<TimingCache> cache;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cache = timing_cache_;
  }
  const DeviceKey device = Device();
  // A conv's signature carries the plan's precision (fp32 and tf32 differ in math on the
  // same data) and its output's layout.
  const std::string element_type = PrecisionName(plan.precision);
  std::vector<std::string> signatures(graph.nodes.size());
  {
    const GraphViews views = AnalyzeViews(graph);
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      if (views.launched[i] && graph.nodes[i].op == OpKind::kConv2d)
        signatures[i] = LayerSignature(graph, static_cast<int>(i), element_type,
                                       LayoutName(plan.values.at(i).format.layout));
  }
  if (cache) {
    ConvTactics cached = convs;
    cached.choice = ConvChoice::kCached;
    cached.algorithms.assign(graph.nodes.size(), -1);
    cached.node_candidates.assign(graph.nodes.size(), {});
    bool all = true;
    for (size_t i = 0; i < signatures.size() && all; ++i) {
      if (signatures[i].empty()) continue;
      std::optional<std::vector<TacticCandidate>> hit = cache->Find(device, signatures[i]);
      const int algorithm = hit && !hit->empty() ? CudnnAlgorithmFromName(hit->front().name) : -1;
      all = algorithm >= 0;
      if (all) {
        cached.algorithms[i] = algorithm;
        cached.node_candidates[i] = *hit;
      }
    }
    if (all) {
      FillCudaTactics(graph, plan, cached);
      return;
    }
  }

  std::shared_ptr<const DeviceWeights> device_weights = Upload(weights);
  ContextOptions heuristic = options, timed = options;
  heuristic.conv_algorithms_by_timing = false;
  timed.conv_algorithms_by_timing = true;
  std::vector<std::unique_ptr<CudaContext>> contexts;
  contexts.push_back(std::make_unique<CudaContext>(graph, plan, device_weights, heuristic));
  std::vector<std::string> names = {kHeuristicTacticName};
  try {
    contexts.push_back(std::make_unique<CudaContext>(graph, plan, device_weights, timed));
    names.push_back(kTimedAloneTacticName);
  } catch (const Error&) {
    // e.g. out of memory for a second arena: the heuristic stands, untimed against it.
  }
  // 1. The policy, on the whole plan (the incumbent: cuDNN's heuristic).
  SelectionOptions rounds;
  rounds.min_rounds = 5;
  rounds.max_rounds = 20;
  ReplayTimer policy_timer(contexts);
  const Selection policy = SelectTactic(names, policy_timer, rounds);
  convs.choice = policy.chosen == 0 ? ConvChoice::kHeuristic : ConvChoice::kTimedAlone;
  convs.plan_candidates = policy.candidates;
  std::unique_ptr<CudaContext> chosen = std::move(contexts[policy.chosen]);
  convs.algorithms = chosen->conv_algorithms();
  convs.workspace_bytes = chosen->node_workspace_bytes();
  convs.node_candidates.assign(graph.nodes.size(), {});

  // 2. Per conv where the other policy picked another algorithm: that algorithm swapped
  // into the real plan (every other conv as chosen so far), timed against the current plan
  // in context; kept only if faster beyond the noise.
  if (options.refine_conv_algorithms_per_node && contexts.size() == 2) {
    const std::vector<int> other = contexts[1 - policy.chosen]->conv_algorithms();
    contexts.clear();  // free the other policy's context
    std::vector<int> algorithms = convs.algorithms;
    ContextOptions forced = options;
    SelectionOptions node_rounds;
    node_rounds.min_rounds = 3;
    node_rounds.max_rounds = 10;
    std::unique_ptr<CudaContext> current;  // null: `chosen` is current
    bool changed = false;
    for (size_t i = 0; i < algorithms.size() && i < other.size(); ++i) {
      if (algorithms[i] < 0 || other[i] < 0 || algorithms[i] == other[i]) continue;
      forced.conv_algorithms = algorithms;
      forced.conv_algorithms[i] = other[i];
      std::unique_ptr<CudaContext> swapped;
      try {
        swapped = std::make_unique<CudaContext>(graph, plan, device_weights, forced);
      } catch (const Error&) {
        continue;  // e.g. its workspace does not fit: the current algorithm stays
      }
      std::vector<std::unique_ptr<CudaContext>> candidates;
      candidates.push_back(current ? std::move(current) : nullptr);
      CudaContext* incumbent = candidates[0] ? candidates[0].get() : chosen.get();
      TwoContextTimer timer(incumbent, swapped.get());
      const Selection s = SelectTactic(
          {CudnnAlgorithmName(algorithms[i]), CudnnAlgorithmName(other[i])}, timer, node_rounds);
      convs.node_candidates[i] = s.candidates;
      if (s.chosen == 1) {
        algorithms[i] = other[i];
        current = std::move(swapped);
        changed = true;
      } else {
        current = std::move(candidates[0]);
      }
    }
    // 3. The per-node plan against the plan-level choice, on the whole plan: kept only if
    // faster beyond the noise, so the result is never measurably slower than the policy.
    if (changed && current) {
      TwoContextTimer timer(chosen.get(), current.get());
      const Selection confirm = SelectTactic({"policy", "per-node"}, timer, rounds);
      if (confirm.chosen == 1) {
        convs.algorithms = algorithms;
        convs.workspace_bytes = current->node_workspace_bytes();
      }
      // else: the plan-level algorithms stand; the per-node timings stay recorded.
    }
  }
  FillCudaTactics(graph, plan, convs);
  if (!cache) return;
  // Each conv's entry: the algorithm chosen first, then the other candidates timed.
  for (size_t i = 0; i < signatures.size(); ++i) {
    if (signatures[i].empty() || convs.algorithms[i] < 0) continue;
    const std::string name = CudnnAlgorithmName(convs.algorithms[i]);
    std::vector<TacticCandidate> entry = {{name, 0, 0, 0}};
    for (const TacticCandidate& c : convs.node_candidates[i]) {
      if (c.name == name)
        entry[0] = c;
      else
        entry.push_back(c);
    }
    cache->Insert(device, signatures[i], std::move(entry));
  }
}

void CudaBackend::SetTimingCache(std::shared_ptr<TimingCache> cache) {
  std::lock_guard<std::mutex> lock(mutex_);
  timing_cache_ = std::move(cache);
}

DeviceKey CudaBackend::Device() const {
  DeviceKey key;
  key.backend = name();
  int device = 0, driver = 0, runtime = 0;
  cudaDeviceProp properties{};
  if (cudaGetDevice(&device) == cudaSuccess &&
      cudaGetDeviceProperties(&properties, device) == cudaSuccess) {
    key.device = properties.name;
    key.sm = "sm_" + std::to_string(properties.major) + std::to_string(properties.minor);
  }
  if (cudaDriverGetVersion(&driver) == cudaSuccess)
    key.driver = VersionString(driver / 1000, driver % 1000 / 10);
  if (cudaRuntimeGetVersion(&runtime) == cudaSuccess)
    key.cuda = VersionString(runtime / 1000, runtime % 1000 / 10);
  (void)cudaGetLastError();  // leave no error behind
  // cuDNN 9: version = major * 10000 + minor * 100 + patch.
  const size_t cudnn = cudnnGetVersion();
  key.cudnn = VersionString(static_cast<int>(cudnn / 10000), static_cast<int>(cudnn % 10000 / 100),
                            static_cast<int>(cudnn % 100));
  int major = 0, minor = 0, patch = 0;
  if (cublasGetProperty(MAJOR_VERSION, &major) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(MINOR_VERSION, &minor) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(PATCH_LEVEL, &patch) == CUBLAS_STATUS_SUCCESS)
    key.cublas = VersionString(major, minor, patch);
  return key;
}

DeviceCeilings CudaBackend::MeasureCeilings() { return MeasureDeviceCeilings(); }

std::unique_ptr<Backend> MakeCudaBackend(ContextOptions options) {
  return std::make_unique<CudaBackend>(std::move(options));
}

}  // namespace cuda

void RegisterCudaBackend() {
  static const bool registered = RegisterBackend("cuda", [] { return cuda::MakeCudaBackend(); });
  (void)registered;
}

namespace {
// The static registrar: linking this object (the CLI links incept_cuda whole) registers it.
const bool kCudaRegistered = (RegisterCudaBackend(), true);
}  // namespace

}  // namespace incept

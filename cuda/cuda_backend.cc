// CudaBackend: availability, the shared weight upload, contexts; the "cuda" registrar.
#include "cuda/cuda_backend.h"

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <optional>
#include <utility>

#include "cuda/plan_tactics.h"
#include "graph/error.h"
#include "graph/planner/tactic_select.h"

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
  return std::make_unique<CudaContext>(graph, plan, std::move(weights), options_);
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
    ContextOptions chosen = options_;
    chosen.conv_algorithms_by_timing = *choice == ConvChoice::kTimedAlone;
    return std::make_unique<CudaContext>(graph, plan, device_weights, chosen);
  }
  if (!options_.keep_faster_algorithm_choice) return CreateContext(graph, plan, device_weights);
  constexpr int kReplays = 10;
  ContextOptions heuristic = options_, timed = options_;
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

std::string VersionString(int major, int minor, int patch = -1) {
  return std::to_string(major) + "." + std::to_string(minor) +
         (patch >= 0 ? "." + std::to_string(patch) : "");
}

}  // namespace

void CudaBackend::AssignTactics(const Graph& graph, const WeightMap& weights, Plan& plan) {
  if (!options_.keep_faster_algorithm_choice) {
    FillCudaTactics(graph, plan,
                    options_.conv_algorithms_by_timing ? ConvChoice::kTimedAlone
                                                       : ConvChoice::kHeuristic,
                    {});
    return;
  }
  std::shared_ptr<const DeviceWeights> device_weights = Upload(weights);
  ContextOptions heuristic = options_, timed = options_;
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
  ReplayTimer timer(contexts);
  SelectionOptions rounds;
  rounds.min_rounds = 5;
  rounds.max_rounds = 20;
  const Selection selection = SelectTactic(names, timer, rounds);
  FillCudaTactics(graph, plan,
                  selection.chosen == 0 ? ConvChoice::kHeuristic : ConvChoice::kTimedAlone,
                  selection.candidates);
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

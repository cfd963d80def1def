// CudaBackend: availability, the shared weight upload, contexts; the "cuda" registrar.
#include "cuda/cuda_backend.h"

#include <cuda_runtime_api.h>

#include <utility>

#include "cuda/ceiling_probe.h"
#include "graph/error.h"

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
  if (precision == Precision::kFp16 && major < 7)
    return name + " needs compute capability 7.0 or newer (tensor cores); device " +
           std::to_string(device) + " has " + capability;
  return "";
}

namespace {

// The context options a plan asks for: tensor-op math under tf32.
ContextOptions OptionsForPlan(ContextOptions options, const Plan& plan) {
  if (plan.precision == Precision::kTf32) options.math = ConvMath::kTf32;
  return options;
}

}  // namespace

std::shared_ptr<const DeviceWeights> CudaBackend::Upload(const WeightMap& weights,
                                                         const WeightFormats& formats) {
  const uint64_t fingerprint = WeightsFingerprint(weights, formats);
  int device = 0;
  (void)cudaGetDevice(&device);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!cached_ || cached_->fingerprint() != fingerprint || cached_->device() != device)
    cached_ = std::make_shared<const DeviceWeights>(weights, formats);
  return cached_;
}

std::unique_ptr<CudaContext> CudaBackend::CreateContext(
    const Graph& graph, const Plan& plan, std::shared_ptr<const DeviceWeights> weights) const {
  return std::make_unique<CudaContext>(graph, plan, std::move(weights),
                                       OptionsForPlan(options_, plan));
}

// Tactic selection over the whole plan: cuDNN's heuristic algorithms, or each conv's
// fastest algorithm timed alone. Timed alone wins at large batches; at batch 1 the
// heuristic's choices leave more of the GPU to the other streams and win (H200:
// perf/results/2026-11-27-h200.md). So both are built and timed, and the faster kept.
std::unique_ptr<Executable> CudaBackend::Compile(const Graph& graph, const WeightMap& weights,
                                                 const Plan& plan) {
  std::shared_ptr<const DeviceWeights> device_weights =
      Upload(weights, WeightFormatsFor(graph, plan.precision));
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

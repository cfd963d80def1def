// CudaBackend: availability, the shared weight upload, contexts; the "cuda" registrar.
#include "cuda/cuda_backend.h"

#include <cuda_runtime_api.h>

#include <utility>

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

std::unique_ptr<Executable> CudaBackend::Compile(const Graph& graph, const WeightMap& weights,
                                                 const Plan& plan) {
  return CreateContext(graph, plan, Upload(weights));
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

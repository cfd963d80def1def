// MeasureDeviceCeilings: a timed SGEMM and a timed copy on one stream.
#include "cuda/ceiling_probe.h"

#include <algorithm>
#include <string>

#include "cuda/check.h"
#include "cuda/device_arena.h"
#include "cuda/handles.h"
#include "cuda/stream.h"

namespace incept {
namespace cuda {
namespace {

constexpr int kGemm = 4096;
constexpr size_t kCopyBytes = size_t{512} << 20;
constexpr int kRepeats = 3;

// Milliseconds of the fastest of kRepeats runs of `enqueue` on `stream`.
template <class Enqueue>
float BestMs(cudaStream_t stream, Enqueue enqueue) {
  Event start(cudaEventDefault), stop(cudaEventDefault);
  enqueue();
  float best = 1e30f;
  for (int i = 0; i < kRepeats; ++i) {
    start.Record(stream);
    enqueue();
    stop.Record(stream);
    CUDA_CHECK(cudaEventSynchronize(stop.get()));
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
    best = std::min(best, ms);
  }
  return best;
}

}  // namespace

DeviceCeilings MeasureDeviceCeilings() {
  Stream stream;
  DeviceCeilings ceilings;
  {
    const size_t matrix = size_t{kGemm} * kGemm * sizeof(float);
    DeviceArena memory(3 * matrix);
    CUDA_CHECK(cudaMemsetAsync(memory.base(), 0, memory.size(), stream.get()));
    CublasHandle cublas(stream.get(), /*allow_tf32=*/false);
    const float* a = memory.As<float>(0, size_t{kGemm} * kGemm);
    const float* b = memory.As<float>(matrix, size_t{kGemm} * kGemm);
    float* c = memory.As<float>(2 * matrix, size_t{kGemm} * kGemm);
    const float one = 1, zero = 0;
    const float ms = BestMs(stream.get(), [&] {
      CUBLAS_CHECK(cublasSgemm(cublas.get(), CUBLAS_OP_N, CUBLAS_OP_N, kGemm, kGemm, kGemm, &one, a,
                               kGemm, b, kGemm, &zero, c, kGemm));
    });
    ceilings.flops_per_second = 2.0 * kGemm * kGemm * kGemm / (ms * 1e-3);
  }
  {
    DeviceArena memory(2 * kCopyBytes);
    CUDA_CHECK(cudaMemsetAsync(memory.base(), 0, memory.size(), stream.get()));
    void* from = memory.At(0, kCopyBytes);
    void* to = memory.At(kCopyBytes, kCopyBytes);
    const float ms = BestMs(stream.get(), [&] {
      CUDA_CHECK(cudaMemcpyAsync(to, from, kCopyBytes, cudaMemcpyDeviceToDevice, stream.get()));
    });
    ceilings.bytes_per_second = 2.0 * static_cast<double>(kCopyBytes) / (ms * 1e-3);
  }
  ceilings.how = "cuBLAS SGEMM " + std::to_string(kGemm) + "^3 fp32, device copy of " +
                 std::to_string(kCopyBytes >> 20) + " MiB";
  return ceilings;
}

}  // namespace cuda
}  // namespace incept

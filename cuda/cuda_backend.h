// The CUDA backend (docs/design.md §6): "cuda" in the backend registry.
//
//   Backend    CudaBackend: says why it cannot run (no device) without aborting; uploads a
//              model's weights once (DeviceWeights, shared by every context compiled from
//              the same weights: one Engine's plans for every input shape share one copy)
//   Executable CudaContext (cuda/cuda_context.h): its own arena, streams, events, handles,
//              cuDNN algorithms and CUDA graph
//
// Embedding beyond the Engine (several contexts on one set of weights, one per thread,
// each enqueued on the caller's stream):
//
//   auto backend = std::make_unique<cuda::CudaBackend>();
//   auto weights = backend->Upload(weight_map);            // once
//   auto ctx = backend->CreateContext(graph, plan, weights);  // per thread
//   ctx->Enqueue(device_input, device_output, stream);
//
// Registration: RegisterCudaBackend() (idempotent), which a static registrar in this
// library also calls; the CLI links incept_cuda as a whole archive so it stays.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "cuda/cuda_context.h"
#include "cuda/device_weights.h"
#include "graph/backend.h"

namespace incept {
namespace cuda {

class CudaBackend : public Backend {
 public:
  explicit CudaBackend(ContextOptions options = {});

  std::string name() const override { return "cuda"; }
  // "" when a CUDA device is usable, else "no CUDA device (cudaGetDeviceCount: <reason>)".
  // Never throws or aborts (a machine without a driver is a normal answer).
  std::string Unavailable() const override;
  // Per plan (cuda/reduce_fusion_choice.cc): fp32/tf32 never fuse; fp16/bf16 fuse a pair
  // where the tensor-core kernel measured faster than cuDNN's two convs beyond the noise at
  // the plan's batch and type, confirmed on the whole plan (timing cache: a warm one times
  // nothing).
  std::vector<ReduceFusionDecision> ChooseReduceFusions(
      const Graph& graph, const WeightMap& weights, const ReduceFusionRequest& request) override;
  // fp32 everywhere; fp16 needs compute capability 7.0 (tensor cores: the precision is
  // defined as tensor-op convs and FC; sm_6x would run cuDNN's fp16 without them, slower
  // than fp32, so it is refused rather than run slowly); tf32 and bf16 need 8.0 (tensor-op
  // TF32 and bf16 math; below it cuDNN would quietly compute fp32 or fail). The build's
  // CMAKE_CUDA_ARCHITECTURES (default 80;90) bound what runs at all.
  std::string CannotRun(Precision precision) const override;
  // Chooses the convs' algorithm policy for the whole plan by timing both plans in context
  // (cuda/plan_tactics.h), unless options().keep_faster_algorithm_choice is off (then the
  // configured policy is recorded untimed).
  void AssignTactics(const Graph& graph, const WeightMap& weights, Plan& plan) override;
  // Per conv, the algorithm chosen is looked up in (and, after timing, added to) the cache;
  // when every conv is found, nothing is timed.
  void SetTimingCache(std::shared_ptr<TimingCache> cache) override;
  // Device name, SM, driver, CUDA runtime, cuDNN and cuBLAS versions of the current device.
  DeviceKey Device() const override;
  // Uploads `weights` in the plan's weight formats (cuda/plan/weight_formats.h) unless the
  // last upload had the same content and formats, then builds a context: with the conv
  // policy the plan's tactics record, or, for a plan without tactics, both policies timed
  // and the faster kept. plan.precision tf32 selects tensor-op math (ConvMath::kTf32) for
  // the convs and the FC; fp16 and bf16 plans run cuDNN NHWC convs and cuBLAS GemmEx with
  // fp32 accumulation (cuda/node_launch_typed.cc).
  std::unique_ptr<Executable> Compile(const Graph& graph, const WeightMap& weights,
                                      const Plan& plan) override;
  // cuBLAS SGEMM and a device copy on the current device (cuda/ceiling_probe.h).
  DeviceCeilings MeasureCeilings() override;

  // The device copy of `weights` in `formats` (reused while their content and formats are
  // the same). Thread-safe.
  std::shared_ptr<const DeviceWeights> Upload(const WeightMap& weights,
                                              const WeightFormats& formats = {});
  // A new context on already uploaded weights. Thread-safe.
  std::unique_ptr<CudaContext> CreateContext(const Graph& graph, const Plan& plan,
                                             std::shared_ptr<const DeviceWeights> weights) const;

  const ContextOptions& options() const { return options_; }

 private:
  const ContextOptions options_;
  std::mutex mutex_;  // guards the cached upload
  std::shared_ptr<const DeviceWeights> cached_;
  std::shared_ptr<TimingCache> timing_cache_;  // guarded by mutex_; may be null
};

std::unique_ptr<Backend> MakeCudaBackend(ContextOptions options = {});

}  // namespace cuda

// Registers "cuda" with the backend registry (idempotent).
void RegisterCudaBackend();

}  // namespace incept

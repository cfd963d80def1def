// CudaContext: one execution context of a planned graph on the GPU (TensorRT's context:
// the weights are shared, everything mutable is its own).
//
// Owns: one device arena (one cudaMalloc of plan.arena_bytes; each value at its planned
// offset, a concat slice strided over its root's images), the plan's streams (stream 0
// stands for the caller's stream) and events, one cuDNN and one cuBLAS handle per stream,
// each stream's cuDNN workspace (one cudaMalloc for all, sized by the algorithms chosen
// when the context is built) and its small constants. Nothing is allocated per inference.
//
// Building a context binds every node (cuDNN descriptors and algorithm, device pointers),
// runs the plan once eagerly (on a zeroed arena: lazy library initialisation happens here,
// not in a capture) and then, unless ContextOptions::use_cuda_graph is false, captures
// the whole plan once (the steps of all streams in plan.order, the plan's events forking
// and joining them) into a CUDA graph. An inference then is: input copy, one
// cudaGraphLaunch, output copy. If capture fails, the context runs eagerly and says why
// (graph_fallback_reason()).
//
// Profiling (RunOptions::timings, cuda/cuda_context_profile.cc): concurrent mode recaptures
// the plan once with the CUPTI tracer subscribed (so its graph nodes carry launch tags) and
// traces a replay of that graph, one NodeTiming per kernel, memcpy or memset; isolated mode
// runs each node alone, eagerly, between two CUDA events, synchronising after each. Every
// eager node launch is inside an NVTX range named after the node, each replay inside one
// named after the graph (RunOptions::nvtx_ranges turns them off for a Run).
//
// Threads: a context runs one inference at a time; use one context per thread. Contexts
// on one DeviceWeights may run concurrently from several threads: there is no global
// mutable state.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cuda/cuda_graph.h"
#include "cuda/cudnn_conv.h"
#include "cuda/device_arena.h"
#include "cuda/device_weights.h"
#include "cuda/handles.h"
#include "cuda/node_launch.h"
#include "cuda/stream.h"
#include "graph/backend.h"
#include "graph/graph.h"
#include "graph/planner/plan.h"
#include "graph/planner/views.h"

namespace incept {
namespace cuda {

class CuptiTracer;  // cuda/cupti_profiler.h

struct ContextOptions {
  bool use_cuda_graph = true;       // false: launch every step eagerly (debugging, benchmarks)
  ConvMath math = ConvMath::kFp32;  // kFp32: no TF32 anywhere
  size_t max_conv_workspace_bytes = size_t{64} << 20;  // per conv (cuDNN algorithm limit)
  // How each conv's cuDNN algorithm is chosen: cuDNN's heuristic, or by timing every
  // algorithm on the layer alone. Neither always wins (a layer timed alone does not see the
  // other streams), so CudaBackend builds both and keeps the faster plan (cuda_backend.h).
  bool conv_algorithms_by_timing = false;
  // CudaBackend::Compile only: build the context with each of the two choices above, time
  // both plans and keep the faster (tactic selection at the level of the whole plan).
  bool keep_faster_algorithm_choice = true;
  // Per node (indexed like graph.nodes; may be empty): >= 0 forces that cuDNN algorithm on
  // the conv (recorded tactics: no choosing, no timing), -1 leaves it to the policy above.
  std::vector<int> conv_algorithms;
  // CudaBackend::AssignTactics only: after the plan-level choice, try each conv's other
  // policy's algorithm swapped into the real plan, keep what is faster in context.
  bool refine_conv_algorithms_per_node = true;
  // fp16/bf16 plans: how a conv writes a concat slice (cuda/cudnn_conv_typed.h); kAuto
  // writes it strided unless cuDNN says it cannot. node_note() tells what each conv does.
  ConvOutputRequest conv_output = ConvOutputRequest::kAuto;
};

class CudaContext : public Executable {
 public:
  // `graph` with shapes inferred, `plan` its memory plan (fp32, or per-value formats under
  // fp16/bf16: then `weights` must be uploaded in WeightFormatsFor(graph, plan.precision)),
  // `weights` holding every parameter it names (uploaded on the current device, which the
  // context uses).
  CudaContext(const Graph& graph, const Plan& plan, std::shared_ptr<const DeviceWeights> weights,
              const ContextOptions& options = {});
  ~CudaContext() override;
  CudaContext(const CudaContext&) = delete;
  CudaContext& operator=(const CudaContext&) = delete;

  // Host in, host out: copies `input` (N, C, H, W) into the arena, replays the plan and
  // returns the graph outputs, each with its rank (logits (N, F)); synchronous.
  // options.poison fills the arena with NaN first.
  std::vector<Tensor> Run(const Tensor& input, const RunOptions& options) override;

  // The service entry point, asynchronous on the caller's stream:
  //   device_input   input_shape().elements() floats, dense NCHW, device memory
  //   device_output  output_elements() floats, device memory: the graph outputs in
  //                  graph.outputs order, each dense (output_shapes(): NCHW, or (N, F) for
  //                  features), back to back
  // Everything is ordered after the work already queued on `caller_stream` and work queued
  // there afterwards sees the outputs (the CUDA graph is launched on `caller_stream`
  // itself; eagerly, the plan's streams wait on an event recorded there, and it waits on
  // their end). Successive calls on one context must be ordered (e.g. the same stream):
  // they share the arena. No host synchronisation, no allocation.
  void Enqueue(const float* device_input, float* device_output, cudaStream_t caller_stream);
  void EnqueueDevice(const float* device_input, float* device_output, void* stream) override {
    Enqueue(device_input, device_output, static_cast<cudaStream_t>(stream));
  }
  // As Enqueue, from and to host memory (cuda/cuda_context_io.cc): the input is copied
  // from `host_input` into the arena and the outputs from the arena into `host_output`,
  // asynchronously when both are pinned (cuda/pinned_buffer.h). Both must stay valid until
  // `caller_stream` has passed this work.
  void EnqueueHost(const float* host_input, float* host_output, cudaStream_t caller_stream);

  // A binding for repeated runs (graph/io_binding.h, cuda/cuda_context_io.cc), each on a
  // stream of the binding's own and synchronised: pageable is Run; pinned is EnqueueHost
  // between pinned buffers; device is Enqueue between device buffers.
  std::unique_ptr<IoBinding> BindIo(IoMemory memory, const Tensor& input) override;

  const Shape& input_shape() const;
  std::vector<Shape> output_shapes() const;
  int64_t output_elements() const;
  bool uses_cuda_graph() const { return captured_.valid(); }
  const std::string& graph_fallback_reason() const { return graph_fallback_reason_; }
  size_t graph_node_count() const { return captured_.node_count(); }
  size_t arena_bytes() const { return arena_.size(); }
  size_t workspace_bytes() const { return workspace_.size(); }
  int num_streams() const { return static_cast<int>(streams_.size()); }
  // How node i runs where the binder had a choice (a typed conv: its algorithm and output
  // strategy, and why); "" otherwise.
  const std::string& node_note(int node) const { return nodes_.at(node).note; }

  // Median milliseconds of `replays` replays of the whole plan (after one untimed replay),
  // on stream 0. For choosing between contexts; no host copies are timed.
  double TimeReplays(int replays);

  // Per graph node: the cuDNN algorithm bound (-1 if none) and the workspace it needs.
  const std::vector<int>& conv_algorithms() const { return conv_algorithms_; }
  std::vector<size_t> node_workspace_bytes() const;

 private:
  simt::TensorRef Ref(int node) const;
  simt::AnyTensorRef TypedRef(int node) const;  // in its planned format (fp16/bf16 plans)
  void BindNodes(const ContextOptions& options);
  void AllocateWorkspaces();
  void EnqueuePlan();                // every step of every stream, in plan.order
  void Replay(cudaStream_t stream);  // the graph, or the eager plan joined with `stream`
  void CopyOutputs(float* destination, cudaMemcpyKind kind, cudaStream_t stream) const;
  // Profiling (cuda_context_profile.cc): both leave the plan's outputs in the arena.
  void RunTraced(const RunOptions& options);    // concurrent: CUPTI over a graph replay
  void RunIsolated(const RunOptions& options);  // each node alone between CUDA events
  void CaptureTraced(CuptiTracer& tracer);      // traced_, its nodes tagged
  // Replay (or run eagerly) and store the time of the plan alone in *run_us if asked.
  void TimedReplay(cudaStream_t stream, const CapturedGraph& graph, double* run_us);

  const Graph graph_;
  const Plan plan_;
  const GraphViews views_;
  const std::shared_ptr<const DeviceWeights> weights_;
  int device_ = 0;
  bool typed_ = false;  // per-value formats (fp16/bf16): the typed launch table
  int input_node_ = -1;
  std::vector<int> output_nodes_;

  // Declaration order is destruction order reversed: handles go before their streams.
  std::vector<Stream> streams_;
  std::vector<Event> events_;
  Event caller_ready_, plan_done_;  // eager Enqueue on a caller's stream
  std::vector<std::unique_ptr<CudnnHandle>> cudnn_;
  std::vector<std::unique_ptr<CublasHandle>> cublas_;
  DeviceArena arena_;
  DeviceArena workspace_;
  DeviceConstants constants_;
  std::vector<StreamResources> resources_;  // per stream
  std::vector<BoundNode> nodes_;            // per graph node; empty if not launched
  std::vector<int> conv_algorithms_;        // per graph node: cuDNN algorithm bound, or -1
  CapturedGraph captured_;
  std::string graph_fallback_reason_;
  // Profiling: this context's launch-tag id, the NVTX switch for eager launches, and the
  // plan recaptured while the CUPTI tracer was subscribed (empty until a traced run).
  const uint64_t launch_context_id_;
  bool nvtx_ranges_ = true;
  CapturedGraph traced_;
  // When set (while capturing traced_), called before (false) and after (true) each node's
  // launch on its stream.
  std::function<void(int node, cudaStream_t stream, bool after)> launch_observer_;
};

}  // namespace cuda
}  // namespace incept

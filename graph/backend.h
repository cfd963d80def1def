// Backend: what executes a planned graph. graph/ defines the interface; host/ and cuda/
// implement it and register under a name ("host", "cuda"), so the engine and the CLI find
// backends through the registry and a CPU-only build simply has no "cuda" entry.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graph/element_type.h"
#include "graph/error.h"
#include "graph/graph.h"
#include "graph/io_binding.h"
#include "graph/planner/device_key.h"
#include "graph/planner/plan.h"
#include "graph/planner/reduce_fusion.h"
#include "graph/planner/timing_cache.h"
#include "graph/tensor.h"

namespace incept {

// One timed piece of work of a profiled run: which node, on which plan stream, when
// (microseconds from the start of the run) and for how long. The host backend gives one per
// node launch; the CUDA backend one per kernel, memset or copy (a node may launch several).
struct NodeTiming {
  int node = -1;
  int stream = 0;
  double start_us = 0, duration_us = 0;
  std::string kernel;      // the kernel's name (CUDA, concurrent mode); empty otherwise
  int device_stream = -1;  // the CUDA stream it ran on (CUPTI's stream id); -1 on the host
};

// How a profiled run times its nodes (RunOptions::timings).
enum class TimingMode {
  kConcurrent,  // the real run: CUDA graph replay on all streams, kernels traced (CUPTI)
  kIsolated,    // each node alone, one after another, each timed by itself
};

struct RunOptions {
  bool poison = false;  // host: NaN-fill each buffer the moment its value dies
  // When set, the backend appends one NodeTiming per timed piece of work (host: wall clock
  // around each kernel). A backend that cannot time nodes throws Error saying why.
  std::vector<NodeTiming>* timings = nullptr;
  TimingMode timing_mode = TimingMode::kConcurrent;
  // When set, the backend stores the time of the plan's execution alone, in microseconds,
  // without the input and output copies (CUDA: cudaEvents around the replay; host: wall
  // clock around the kernels). Independent of `timings`.
  double* run_us = nullptr;
  // CUDA: NVTX ranges named after the nodes around every eager launch and one around each
  // graph replay (Nsight Systems and Nsight Compute show them).
  bool nvtx_ranges = true;
};

// Peak rates of a device, measured by a probe (Backend::MeasureCeilings): the roofline.
struct DeviceCeilings {
  double flops_per_second = 0;  // 0: unknown
  double bytes_per_second = 0;  // 0: unknown
  std::string how;              // what was measured, e.g. "cuBLAS SGEMM 4096^3"
};

// A graph bound to weights and a plan on one backend, ready to run repeatedly. Not
// reentrant: one Run at a time (its arena is its own); distinct executables of one backend
// may run concurrently.
class Executable {
 public:
  virtual ~Executable() = default;
  // input: (N, C, H, W) matching the graph's Input shape. Returns the graph outputs in
  // graph.outputs order, each of its value's rank: (N, C, H, W), or (N, F) for features (logits).
  virtual std::vector<Tensor> Run(const Tensor& input, const RunOptions& options) = 0;
  // Device memory in and out, asynchronous on the caller's `stream` (a cudaStream_t):
  // `device_input` holds the input (N, C, H, W) in fp32, `device_output` receives every
  // output in fp32, back to back in graph.outputs order. Successive calls must be ordered
  // (they share the executable's buffers). The default (a backend that computes in host
  // memory) throws Error.
  virtual void EnqueueDevice(const float* device_input, float* device_output, void* stream) {
    (void)device_input;
    (void)device_output;
    (void)stream;
    throw Error(
        "this backend computes in host memory: enqueueing device buffers needs the cuda backend");
  }
  // `input` copied once into buffers of `memory`, bound to this executable for repeated
  // runs that allocate nothing (graph/io_binding.h). The binding runs on this executable:
  // it must not outlive it, and nothing else may run on the executable while the binding
  // is in use. The default binds pageable memory through Run and refuses pinned and device
  // memory with an Error (a backend that runs in host memory has neither).
  virtual std::unique_ptr<IoBinding> BindIo(IoMemory memory, const Tensor& input);
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // Why this backend cannot run here (e.g. "no CUDA device"), or "" if it can.
  virtual std::string Unavailable() const = 0;
  // Which 1x1 reduce -> KxK conv pairs of `graph` (unfused, shapes inferred for one input
  // shape) that shape's plan fuses: one decision per pair (graph/planner/reduce_fusion.h).
  // kNever: none; kAlways: every pair the backend's fused kernel supports; kBackendChooses:
  // the backend's choice, by timing where it has one. The default fuses every pair unless
  // kNever (the host backend: it is the oracle and fusion is its default). Thread-safe.
  virtual std::vector<ReduceFusionDecision> ChooseReduceFusions(const Graph& graph,
                                                                const WeightMap& weights,
                                                                const ReduceFusionRequest& request);
  // Fills plan.tactics (graph/planner/tactic.h), one per node, for a scheduled and
  // memory-planned plan, choosing by timing where the backend has choices (`weights` as for
  // Compile). Compile then builds what the tactics say, without timing again. The default
  // leaves them empty (no tactic recorded). Thread-safe.
  virtual void AssignTactics(const Graph& graph, const WeightMap& weights, Plan& plan) {
    (void)graph;
    (void)weights;
    (void)plan;
  }
  // Timings to reuse and extend (graph/planner/timing_cache.h), shared with the caller, who
  // saves it. A backend with nothing to time ignores it. Call before AssignTactics.
  virtual void SetTimingCache(std::shared_ptr<TimingCache> cache) { (void)cache; }
  // What an engine file or a timing cache built here must match (device, driver and
  // library versions); the host backend's has only its name.
  virtual DeviceKey Device() const {
    DeviceKey key;
    key.backend = name();
    return key;
  }
  // Why this backend cannot run `precision` here (e.g. "bf16 needs compute capability 8.0,
  // the device has 7.5"), or "" if it can.
  virtual std::string CannotRun(Precision precision) const {
    (void)precision;
    return "";
  }
  // `graph` has shapes inferred; `weights` hold every parameter it names (CheckWeights).
  // Thread-safe: the Engine compiles executables for several callers at once. The result
  // may keep pointers into `weights` (they outlive it) but not into `graph` or `plan`.
  virtual std::unique_ptr<Executable> Compile(const Graph& graph, const WeightMap& weights,
                                              const Plan& plan) = 0;
  // Measures the peak FLOP/s and bytes/s that the roofline classes compare against (takes
  // up to a second). A backend without a probe returns zeros.
  virtual DeviceCeilings MeasureCeilings() { return {}; }
};

using BackendFactory = std::function<std::unique_ptr<Backend>()>;

// Registration happens at static-initialisation time of the backend's library
// (`static const bool registered = RegisterBackend("host", ...);`).
bool RegisterBackend(const std::string& name, BackendFactory factory);
std::unique_ptr<Backend> CreateBackend(const std::string& name);  // throws if unknown
std::vector<std::string> BackendNames();

}  // namespace incept

// Engine: a model (graph + weights) bound to a backend, the embedding API of incept.
//
//   Graph graph = LoadGraph("model_zoo/googlenet_torchvision.json");
//   WeightMap weights = LoadSafetensors("googlenet.safetensors");
//   Engine engine(std::move(graph), std::move(weights), {});
//   std::vector<Tensor> logits = engine.Run(batch);  // batch: (N, 3, 224, 224)
//
// The graph passes run once, at construction, except reduce fusion, which is decided per
// input shape with its plan (Plan::reduce_fusions). The plan (stream schedule, memory plan) and
// the backend's executables are built per input shape on first use and cached: any batch
// and spatial size the network accepts runs.
//
// Threads (TensorRT's engine/context split):
//   - After construction an Engine's model (optimised graph, weights, backend) never
//     changes; what it caches per input shape is guarded. Every member function may be
//     called from any number of threads at once.
//   - An executable (backend/Executable: host arena, or CUDA arena, streams, handles and
//     CUDA graph) is not reentrant: it runs one inference at a time. So the engine keeps a
//     pool of executables per input shape. Engine::Run borrows an idle one, or builds a new
//     one while fewer than EngineOptions::max_executables_per_shape exist for that shape,
//     or else waits for one to come back; it runs on it and returns it. Concurrent callers
//     never share an executable, and N threads cost at most N arenas per shape (bounded).
//     A pool rather than one lock per executable: a lock would serialise every request of
//     one shape (the common case in a service); a pool runs them in parallel and reuses
//     arenas instead of building one per call.
//   - Engine::CreateContext() gives a caller its own EngineContext: executables of its own,
//     never shared and never waited for (the pool's bound does not apply). One context is
//     for one thread at a time (its Run is not reentrant); many contexts of one engine run
//     concurrently. Use a context per worker thread where each thread runs many inferences
//     and the arenas' memory is affordable; Engine::Run where callers come and go.
//   - The engine must outlive its contexts. On the host backend results are bitwise the
//     same whichever thread, context or pooled executable computes them; on the CUDA
//     backend each executable picks its cuDNN algorithms when it is built (by timing), so
//     two executables of one shape may differ by fp32 rounding, and each is deterministic.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "graph/backend.h"
#include "graph/element_type.h"
#include "graph/graph.h"
#include "graph/passes/passes.h"
#include "graph/planner/make_plan.h"
#include "graph/planner/plan.h"
#include "graph/tensor.h"

namespace incept {

struct EngineOptions {
  std::string backend = "auto";   // "host", "cuda", or "auto" (cuda if usable, else host)
  bool optimize = true;           // run the graph passes
  int streams = 4;                // most concurrent streams in the schedule
  bool merge_horizontal = false;  // merge 1x1 convs sharing an input (OptimizeOptions)
  // Fuse each 1x1 reduce into its KxK conv, decided per input shape when its plan is made
  // (Plan::reduce_fusions): false never, true every pair the backend's fused kernel
  // supports, unset the backend's choice (Backend::ChooseReduceFusions: the host fuses
  // every pair; CUDA fp16/bf16 fuses where the fused kernel measured faster).
  std::optional<bool> fuse_reduce = std::nullopt;
  // Most executables Engine::Run keeps per input shape, i.e. most concurrent inferences
  // of one shape (each has its own arena); further callers wait. >= 1.
  int max_executables_per_shape = 8;
  // Element types of the plan and math of the convs and the FC (graph/planner/
  // precision_policy.h); the input and the outputs stay fp32. The host backend rounds like
  // the device under fp16 and bf16 (host_backend.h) and computes tf32 in fp32.
  Precision precision = Precision::kFp32;
};

class EngineContext;

class Engine {
 public:
  // `graph` as loaded (shapes inferred); `weights` must hold every parameter it names
  // (checked here, with an error naming the node, tensor and shapes).
  Engine(Graph graph, WeightMap weights, EngineOptions options);

  // A planned model: the optimised graph, its (pruned) weights and plans for some input
  // shapes, each with its graph's shapes inferred and its tactics chosen: what an engine
  // file holds (host/engine_file/engine_file.h).
  struct Prepared;
  struct Planned;
  // From a planned model: no graph passes run, and the given shapes are neither planned
  // nor tactic-selected again (other shapes are planned on first use as usual).
  // options.backend must be the one the plans were made for, or "auto"; optimize,
  // merge_horizontal and fuse_reduce are ignored (the graph is already optimised; each
  // prepared graph has its plan's reduce fusions applied; other shapes' fusions are the
  // backend's choice).
  Engine(Planned planned, const std::string& backend, EngineOptions options);

  // Engine files (host/engine_file/engine_file.h). Save plans every shape in `shapes`
  // (building and timing as Prepare does) and writes the optimised graph, those plans
  // with their tactics and the weights. Load refuses a file built for another backend,
  // device, driver or library version with an Error naming the difference. Thread-safe.
  void Save(const std::string& path, const std::vector<Shape>& shapes);
  static std::unique_ptr<Engine> Load(const std::string& path, EngineOptions options = {});

  // Measured tactic timings to reuse and extend (graph/planner/timing_cache.h) when plans
  // are made from now on; the caller saves the cache (TimingCache::Save). Thread-safe.
  void UseTimingCache(std::shared_ptr<TimingCache> cache) {
    backend_->SetTimingCache(std::move(cache));
  }
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Thread-safe: borrows an executable for input's shape from the pool (see above).
  std::vector<Tensor> Run(const Tensor& input, const RunOptions& run = {});

  // Borrows an executable for input's shape from the pool, as Run does, and binds a copy
  // of `input` in buffers of `memory` to it (Executable::BindIo, graph/io_binding.h): pinned
  // or device memory need a backend with device memory, else an Error. The executable goes
  // back to the pool when the binding is destroyed, so on one thread Run and a binding made
  // after it use the same executable and compute alike. Thread-safe; a binding is for one
  // thread at a time and must not outlive the engine.
  std::unique_ptr<IoBinding> Bind(IoMemory memory, const Tensor& input);

  // A new context for one thread: Run on it never waits for other callers. Thread-safe.
  std::unique_ptr<EngineContext> CreateContext();

  // A graph planned for one input shape; immutable once returned.
  struct Prepared {
    Graph graph;
    Plan plan;
  };
  struct Planned {
    Graph graph;  // optimised, shapes inferred for its default input
    WeightMap weights;
    std::vector<Prepared> prepared;
  };
  // The plan for `input_shape`, built on first use, and at least one executable for it in
  // the pool (so an input the backend cannot run fails here). The reference stays valid
  // for the engine's life. Thread-safe.
  const Prepared& Prepare(const Shape& input_shape);

  const std::string& backend_name() const { return backend_name_; }
  // Why "auto" fell back to the host ("" if it did not).
  const std::string& fallback_reason() const { return fallback_reason_; }
  const PassReport& pass_report() const { return report_; }
  // Tensors of the given weights that the inference graph does not use (aux heads,
  // BatchNorm's num_batches_tracked, ...), sorted; reported, not an error.
  const std::vector<std::string>& unused_weights() const { return unused_weights_; }
  const Graph& optimized_graph() const { return graph_; }
  const EngineOptions& options() const { return options_; }
  const WeightMap& weights() const { return weights_; }
  // The backend's device and library versions (Backend::Device).
  DeviceKey device() const { return backend_->Device(); }

 private:
  friend class EngineContext;
  class PooledBinding;  // Bind's binding: returns its executable to the pool
  struct ShapeSlot;
  using ShapeKey = std::tuple<int64_t, int64_t, int64_t, int64_t>;

  // The slot of `input` (4-D, else an Error), with its plan built.
  ShapeSlot& PreparedSlot(const Tensor& input);
  ShapeSlot& PreparedSlot(const Shape& shape);
  std::unique_ptr<Executable> Compile(const Prepared& prepared);
  // Creates backend_ from options_.backend ("auto": cuda if usable, else host).
  void ChooseBackend();
  // Pool: an idle executable, a new one (within the bound) or the next one returned.
  std::unique_ptr<Executable> Borrow(ShapeSlot& slot);
  void Return(ShapeSlot& slot, std::unique_ptr<Executable> executable);

  // Immutable after the constructor.
  Graph graph_;  // after the passes
  WeightMap weights_;
  EngineOptions options_;
  PassReport report_;
  ReduceFusionMode reduce_fusion_ = ReduceFusionMode::kNever;  // per shape (PreparedSlot)
  std::unique_ptr<Backend> backend_;  // Compile is thread-safe (graph/backend.h)
  std::string backend_name_, fallback_reason_;
  std::vector<std::string> unused_weights_;

  std::mutex slots_mutex_;  // guards the map only; each slot guards itself
  std::map<ShapeKey, std::unique_ptr<ShapeSlot>> slots_;
};

// One caller's private executables, one per input shape it has run (built on first use
// from the engine's shared plan). Not thread-safe: one thread at a time per context.
class EngineContext {
 public:
  ~EngineContext();
  EngineContext(const EngineContext&) = delete;
  EngineContext& operator=(const EngineContext&) = delete;

  std::vector<Tensor> Run(const Tensor& input, const RunOptions& run = {});
  // Executable::EnqueueDevice on this context's executable for `shape` (built on first use):
  // device buffers, asynchronous on `stream`; the cuda backend only, else an Error.
  void Enqueue(const Shape& shape, const float* device_input, float* device_output, void* stream);
  const Engine& engine() const { return *engine_; }

 private:
  friend class Engine;
  explicit EngineContext(Engine* engine) : engine_(engine) {}
  // This context's executable for `shape` (whose slot is `slot`), compiled on first use.
  Executable& ExecutableFor(Engine::ShapeSlot& slot, const Shape& shape);

  Engine* engine_;
  std::map<Engine::ShapeKey, std::unique_ptr<Executable>> executables_;
};

}  // namespace incept

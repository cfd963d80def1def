#include "host/engine.h"

#include <algorithm>
#include <set>
#include <utility>

#include "graph/error.h"
#include "graph/planner/reduce_fusion.h"
#include "graph/shape_inference.h"
#include "graph/stats.h"
#include "host/host_backend.h"

namespace incept {
namespace {

// Names of the tensors in `weights` that no node on the inference path reads.
std::vector<std::string> UnusedWeights(const Graph& graph, const WeightMap& weights) {
  std::vector<bool> live = ReachableFrom(graph, graph.outputs);
  std::set<std::string> used;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (live[i])
      for (const auto& [role, tensor] : graph.nodes[i].params) used.insert(tensor);
  std::vector<std::string> unused;
  for (const auto& [name, tensor] : weights)
    if (!used.count(name)) unused.push_back(name);
  return unused;
}

// Keeps only the tensors the graph names (after folding, the BatchNorm statistics and the
// unfolded conv weights are no longer needed).
void PruneWeights(const Graph& graph, WeightMap& weights) {
  std::set<std::string> used;
  for (const Node& node : graph.nodes)
    for (const auto& [role, tensor] : node.params) used.insert(tensor);
  for (auto it = weights.begin(); it != weights.end();)
    it = used.count(it->first) ? std::next(it) : weights.erase(it);
}

}  // namespace

// One input shape's share of the engine: its plan, built once, and its executable pool.
// Invariant: executables == idle.size() + the number borrowed or being built
// <= max_executables_per_shape.
struct Engine::ShapeSlot {
  std::mutex mutex;
  std::condition_variable returned;          // an executable came back or a build failed
  std::unique_ptr<const Prepared> prepared;  // set once under mutex, then never changed
  std::vector<std::unique_ptr<Executable>> idle;
  int executables = 0;
};

Engine::Engine(Graph graph, WeightMap weights, EngineOptions options)
    : graph_(std::move(graph)), weights_(std::move(weights)), options_(std::move(options)) {
  RegisterHostBackend();
  if (options_.streams < 1) throw Error("streams must be >= 1");
  if (options_.max_executables_per_shape < 1) throw Error("max_executables_per_shape must be >= 1");
  InferShapes(graph_);
  CheckWeights(graph_, weights_);
  unused_weights_ = UnusedWeights(graph_, weights_);
  ChooseBackend();

  if (options_.optimize) {
    OptimizeOptions passes;
    passes.merge_horizontal = options_.merge_horizontal;
    // Reduce fusion is decided per input shape (PreparedSlot): the optimised graph keeps
    // every pair unfused.
    passes.fuse_reduce = false;
    report_ = OptimizeGraph(graph_, weights_, passes);
    reduce_fusion_ = !options_.fuse_reduce.has_value() ? ReduceFusionMode::kBackendChooses
                     : *options_.fuse_reduce           ? ReduceFusionMode::kAlways
                                                       : ReduceFusionMode::kNever;
  } else {
    // As loaded, but without the aux heads: they are not part of the inference graph (and
    // their fixed FC sizes would refuse other input sizes).
    graph_.aux_outputs.clear();
    std::vector<bool> live = ReachableFrom(graph_, graph_.outputs);
    std::vector<Node> kept;
    for (size_t i = 0; i < graph_.nodes.size(); ++i)
      if (live[i]) kept.push_back(std::move(graph_.nodes[i]));
    graph_.nodes = std::move(kept);
  }
  PruneWeights(graph_, weights_);
}

Engine::Engine(Planned planned, const std::string& backend, EngineOptions options)
    : graph_(std::move(planned.graph)),
      weights_(std::move(planned.weights)),
      options_(std::move(options)) {
  RegisterHostBackend();
  if (options_.backend != "auto" && options_.backend != backend)
    throw Error("the plans were made for backend \"" + backend + "\", not \"" + options_.backend +
                "\"");
  options_.backend = backend;
  if (options_.streams < 1) throw Error("streams must be >= 1");
  if (options_.max_executables_per_shape < 1) throw Error("max_executables_per_shape must be >= 1");
  InferShapes(graph_);
  CheckWeights(graph_, weights_);
  ChooseBackend();
  // Shapes not in the file are planned on first use, their fusions chosen as usual.
  reduce_fusion_ = ReduceFusionMode::kBackendChooses;
  for (Prepared& prepared : planned.prepared) {
    const std::vector<int> inputs = prepared.graph.InputIndices();
    if (inputs.size() != 1) throw Error("a planned graph must have exactly one input");
    const Shape& s = prepared.graph.nodes[inputs[0]].shape;
    std::unique_ptr<ShapeSlot>& slot = slots_[std::make_tuple(s.n, s.c, s.h, s.w)];
    if (slot) throw Error("two plans for input shape " + s.str());
    slot = std::make_unique<ShapeSlot>();
    slot->prepared = std::make_unique<const Prepared>(std::move(prepared));
  }
}

void Engine::ChooseBackend() {
  std::string wanted = options_.backend;
  if (wanted == "auto") {
    std::vector<std::string> names = BackendNames();
    bool has_cuda = std::find(names.begin(), names.end(), "cuda") != names.end();
    wanted = "host";
    if (has_cuda) {
      std::unique_ptr<Backend> cuda = CreateBackend("cuda");
      fallback_reason_ = cuda->Unavailable();
      if (fallback_reason_.empty()) fallback_reason_ = cuda->CannotRun(options_.precision);
      if (fallback_reason_.empty()) wanted = "cuda";
    } else {
      fallback_reason_ = "this build has no CUDA backend";
    }
  }
  backend_ = CreateBackend(wanted);
  if (std::string why = backend_->Unavailable(); !why.empty())
    throw Error("backend \"" + wanted + "\" cannot run here: " + why);
  backend_name_ = wanted;
  if (std::string why = backend_->CannotRun(options_.precision); !why.empty())
    throw Error("backend \"" + wanted + "\" cannot run precision " +
                PrecisionName(options_.precision) + ": " + why);
}

Engine::~Engine() = default;

Engine::ShapeSlot& Engine::PreparedSlot(const Tensor& input) {
  if (input.dims.size() != 4)
    throw Error("input must be 4-D (N, C, H, W), got " + input.dims_str());
  return PreparedSlot(Shape{input.dims[0], input.dims[1], input.dims[2], input.dims[3]});
}

Engine::ShapeSlot& Engine::PreparedSlot(const Shape& shape) {
  ShapeSlot* slot;
  {
    std::lock_guard<std::mutex> lock(slots_mutex_);
    std::unique_ptr<ShapeSlot>& entry = slots_[std::make_tuple(shape.n, shape.c, shape.h, shape.w)];
    if (!entry) entry = std::make_unique<ShapeSlot>();
    slot = entry.get();  // slots are never erased: the pointer stays valid
  }
  // Planning holds only this shape's lock: other shapes keep running meanwhile. A failure
  // (a shape the network cannot take) leaves `prepared` empty for the next caller to retry.
  std::lock_guard<std::mutex> lock(slot->mutex);
  if (!slot->prepared) {
    auto prepared = std::make_unique<Prepared>();
    prepared->graph = graph_;
    InferShapes(prepared->graph, shape);
    // Reduce fusion for this shape and precision (the backend may time each pair), then the
    // plan of the graph with those pairs fused.
    ReduceFusionRequest request;
    request.precision = options_.precision;
    request.streams = options_.streams;
    request.mode = reduce_fusion_;
    std::vector<ReduceFusionDecision> fusions =
        backend_->ChooseReduceFusions(prepared->graph, weights_, request);
    if (ApplyReduceFusions(prepared->graph, fusions) > 0) InferShapes(prepared->graph, shape);
    prepared->plan = MakePlan(prepared->graph, options_.streams, options_.precision);
    prepared->plan.reduce_fusions = std::move(fusions);
    backend_->AssignTactics(prepared->graph, weights_, prepared->plan);
    RecordReduceFusionTactics(prepared->graph, prepared->plan);
    slot->prepared = std::move(prepared);
  }
  return *slot;
}

std::unique_ptr<Executable> Engine::Compile(const Prepared& prepared) {
  return backend_->Compile(prepared.graph, weights_, prepared.plan);
}

std::unique_ptr<Executable> Engine::Borrow(ShapeSlot& slot) {
  std::unique_lock<std::mutex> lock(slot.mutex);
  slot.returned.wait(lock, [&] {
    return !slot.idle.empty() || slot.executables < options_.max_executables_per_shape;
  });
  if (!slot.idle.empty()) {
    std::unique_ptr<Executable> executable = std::move(slot.idle.back());
    slot.idle.pop_back();
    return executable;
  }
  ++slot.executables;  // reserved; built without the lock (it may take seconds on a GPU)
  lock.unlock();
  try {
    return Compile(*slot.prepared);
  } catch (...) {
    lock.lock();
    --slot.executables;
    slot.returned.notify_one();  // a waiter may build in our place
    throw;
  }
}

void Engine::Return(ShapeSlot& slot, std::unique_ptr<Executable> executable) {
  {
    std::lock_guard<std::mutex> lock(slot.mutex);
    slot.idle.push_back(std::move(executable));
  }
  slot.returned.notify_one();
}

const Engine::Prepared& Engine::Prepare(const Shape& input_shape) {
  ShapeSlot& slot = PreparedSlot(input_shape);
  {
    std::lock_guard<std::mutex> lock(slot.mutex);
    if (slot.executables > 0) return *slot.prepared;
    ++slot.executables;
  }
  std::unique_ptr<Executable> executable;
  try {
    executable = Compile(*slot.prepared);
  } catch (...) {
    std::lock_guard<std::mutex> lock(slot.mutex);
    --slot.executables;
    slot.returned.notify_one();
    throw;
  }
  Return(slot, std::move(executable));
  return *slot.prepared;
}

std::vector<Tensor> Engine::Run(const Tensor& input, const RunOptions& run) {
  ShapeSlot& slot = PreparedSlot(input);
  std::unique_ptr<Executable> executable = Borrow(slot);
  // Returned whether the run succeeds or throws: a failed run leaves nothing behind that
  // the next run depends on (every run rewrites the arena from its input).
  struct ReturnOnExit {
    Engine* engine;
    ShapeSlot& slot;
    std::unique_ptr<Executable>& executable;
    ~ReturnOnExit() { engine->Return(slot, std::move(executable)); }
  } give_back{this, slot, executable};
  return executable->Run(input, run);
}

// A binding that holds its executable out of the pool until it is destroyed.
class Engine::PooledBinding : public IoBinding {
 public:
  PooledBinding(Engine* engine, ShapeSlot& slot, std::unique_ptr<Executable> executable,
                IoMemory memory, const Tensor& input)
      : engine_(engine), slot_(slot), executable_(std::move(executable)) {
    try {
      bound_ = executable_->BindIo(memory, input);
    } catch (...) {
      engine_->Return(slot_, std::move(executable_));
      throw;
    }
  }
  ~PooledBinding() override {
    bound_.reset();  // before its executable goes back
    engine_->Return(slot_, std::move(executable_));
  }
  IoMemory memory() const override { return bound_->memory(); }
  void Run() override { bound_->Run(); }
  std::vector<Tensor> Outputs() const override { return bound_->Outputs(); }

 private:
  Engine* engine_;
  ShapeSlot& slot_;
  std::unique_ptr<Executable> executable_;
  std::unique_ptr<IoBinding> bound_;
};

std::unique_ptr<IoBinding> Engine::Bind(IoMemory memory, const Tensor& input) {
  ShapeSlot& slot = PreparedSlot(input);
  return std::make_unique<PooledBinding>(this, slot, Borrow(slot), memory, input);
}

std::unique_ptr<EngineContext> Engine::CreateContext() {
  return std::unique_ptr<EngineContext>(new EngineContext(this));
}

EngineContext::~EngineContext() = default;

Executable& EngineContext::ExecutableFor(Engine::ShapeSlot& slot, const Shape& shape) {
  std::unique_ptr<Executable>& executable =
      executables_[std::make_tuple(shape.n, shape.c, shape.h, shape.w)];
  if (!executable) executable = engine_->Compile(*slot.prepared);
  return *executable;
}

std::vector<Tensor> EngineContext::Run(const Tensor& input, const RunOptions& run) {
  Engine::ShapeSlot& slot = engine_->PreparedSlot(input);  // checks the input is 4-D
  const Shape shape{input.dims[0], input.dims[1], input.dims[2], input.dims[3]};
  return ExecutableFor(slot, shape).Run(input, run);
}

void EngineContext::Enqueue(const Shape& shape, const float* device_input, float* device_output,
                            void* stream) {
  ExecutableFor(engine_->PreparedSlot(shape), shape)
      .EnqueueDevice(device_input, device_output, stream);
}

}  // namespace incept

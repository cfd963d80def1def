// CudaContext: bind, allocate, warm up, capture; then copy in, replay, copy out.
#include "cuda/cuda_context.h"

#include <algorithm>
#include <utility>

#include "cuda/check.h"
#include "cuda/launch_tag.h"
#include "cuda/nvtx.h"
#include "cuda/plan/typed_views.h"
#include "graph/error.h"
#include "graph/op_registry.h"
#include "graph/planner/reduce_fusion.h"

namespace incept {
namespace cuda {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw Error("cuda backend: " + what); }

size_t AlignUp(size_t bytes) {
  return (bytes + DeviceArena::kAlignment - 1) / DeviceArena::kAlignment * DeviceArena::kAlignment;
}

}  // namespace

CudaContext::CudaContext(const Graph& graph, const Plan& plan,
                         std::shared_ptr<const DeviceWeights> weights,
                         const ContextOptions& options)
    : graph_(graph),
      plan_(plan),
      views_(AnalyzeViews(graph_)),
      weights_(std::move(weights)),
      launch_context_id_(NewLaunchContextId()) {
  if (!weights_) Fail("no device weights");
  if (plan_.values.size() != graph_.nodes.size() ||
      (plan_.bytes_per_element != 4 && plan_.bytes_per_element != 0))
    Fail("the plan has no memory plan for this graph");
  typed_ = plan_.bytes_per_element == 0;
  if (plan_.num_streams < 1 || plan_.streams.size() != static_cast<size_t>(plan_.num_streams) ||
      plan_.node_stream.size() != graph_.nodes.size())
    Fail("the plan has no stream schedule for this graph");
  if (plan_.alignment % 4 != 0) Fail("the plan's alignment is not a multiple of 4 bytes");
  std::vector<int> inputs = graph_.InputIndices();
  if (inputs.size() != 1) Fail("the graph must have exactly one input");
  input_node_ = inputs[0];
  for (const std::string& name : graph_.outputs) output_nodes_.push_back(graph_.IndexOf(name));
  // The caller's input and the outputs are fp32 NCHW under every precision (the policy).
  const ValueFormat fp32{ElementType::kF32, Layout::kNCHW};
  for (int i : output_nodes_)
    if (plan_.values[i].format != fp32 || plan_.values[input_node_].format != fp32)
      Fail("the plan's input and outputs must be fp32 NCHW");

  CUDA_CHECK(cudaGetDevice(&device_));
  if (weights_->device() != device_)
    Fail("the weights are on device " + std::to_string(weights_->device()) +
         ", the context on device " + std::to_string(device_));
  streams_.resize(static_cast<size_t>(plan_.num_streams));
  events_.resize(static_cast<size_t>(plan_.num_events));
  for (const Stream& s : streams_) {
    cudnn_.push_back(std::make_unique<CudnnHandle>(s.get()));
    // Typed plans have no fp32 GEMM: tensor-op math (not pedantic) for the fp16/bf16 GemmEx.
    cublas_.push_back(
        std::make_unique<CublasHandle>(s.get(), options.math == ConvMath::kTf32 || typed_));
  }
  try {
    arena_ = DeviceArena(static_cast<size_t>(plan_.arena_bytes));
  } catch (const Error& e) {
    (void)cudaGetLastError();  // a failed cudaMalloc must not fail later launch checks
    Fail("cannot allocate the " + std::to_string(plan_.arena_bytes) + "-byte activation arena of " +
         input_shape().str() + " (" + e.what() + "); use a smaller batch");
  }
  for (size_t s = 0; s < streams_.size(); ++s)
    resources_.push_back({streams_[s].get(), cudnn_[s]->get(), cublas_[s]->get(), nullptr, 0});

  BindNodes(options);
  AllocateWorkspaces();
  constants_.Commit();

  // Warm-up: one eager run on a zeroed arena, so that every lazy initialisation (cuDNN and
  // cuBLAS internals, kernel attributes) has happened before the capture.
  cudaStream_t origin = streams_[0].get();
  if (arena_.size() > 0) CUDA_CHECK(cudaMemsetAsync(arena_.base(), 0, arena_.size(), origin));
  EnqueuePlan();
  streams_[0].Synchronize();

  if (options.use_cuda_graph) {
    try {
      captured_ = CapturedGraph::Capture(origin, [this] { EnqueuePlan(); });
    } catch (const Error& e) {
      graph_fallback_reason_ = e.what();
      EnqueuePlan();  // the streams still work eagerly, or this throws
      streams_[0].Synchronize();
    }
  }
}

CudaContext::~CudaContext() {
  // Nothing may still run on the arena when it is freed.
  if (!streams_.empty()) cudaStreamSynchronize(streams_[0].get());
}

const Shape& CudaContext::input_shape() const { return graph_.nodes[input_node_].shape; }

std::vector<Shape> CudaContext::output_shapes() const {
  std::vector<Shape> shapes;
  for (int i : output_nodes_) shapes.push_back(graph_.nodes[i].shape);
  return shapes;
}

int64_t CudaContext::output_elements() const {
  int64_t total = 0;
  for (int i : output_nodes_) total += graph_.nodes[i].shape.elements();
  return total;
}

// The device view of node i's value; a slice or channel view strides over its root's
// images.
simt::TensorRef CudaContext::Ref(int node) const {
  const ValuePlacement& v = plan_.values[node];
  const Shape& shape = graph_.nodes[node].shape;
  const Shape& root = graph_.nodes[v.root].shape;
  const bool strided_in_root = v.kind == ValueKind::kSlice || v.kind == ValueKind::kChannelView;
  const int64_t stride = strided_in_root ? root.per_image() : shape.per_image();
  const int64_t extent = (shape.n - 1) * stride + shape.per_image();
  float* data = arena_.As<float>(static_cast<size_t>(v.offset), static_cast<size_t>(extent));
  return simt::TensorRef{data, shape, stride};
}

// The typed view of node i's value (cuda/plan/typed_views.h), its extent checked against
// the arena: up to its last element, (n-1)*batch + per-image span.
simt::AnyTensorRef CudaContext::TypedRef(int node) const {
  const simt::AnyTensorRef t = TypedValueRef(graph_, plan_, node, arena_.base());
  const Shape& s = t.shape;
  const int64_t image_span =
      t.layout == Layout::kNHWC ? (s.plane() - 1) * t.pixel_stride + s.c : s.per_image();
  const int64_t extent = (s.n - 1) * t.batch_stride + image_span;
  (void)arena_.At(static_cast<size_t>(plan_.values[node].offset),
                  static_cast<size_t>(extent * ElementSize(t.type)));
  return t;
}

void CudaContext::BindNodes(const ContextOptions& options) {
  nodes_.resize(graph_.nodes.size());
  conv_algorithms_.assign(graph_.nodes.size(), -1);
  for (size_t i = 0; i < graph_.nodes.size(); ++i) {
    if (!views_.launched[i]) continue;
    const int stream = plan_.node_stream[i];
    if (stream < 0 || stream >= plan_.num_streams)
      Fail("node \"" + graph_.nodes[i].name + "\" is launched on no stream of the plan");
    NodeBinding binding;
    binding.node = &graph_.nodes[i];
    if (typed_) {
      binding.typed = true;
      for (int p : views_.inputs[i]) binding.typed_inputs.push_back(TypedRef(p));
      binding.typed_output = TypedRef(static_cast<int>(i));
      binding.conv_output = options.conv_output;
    } else {
      for (int p : views_.inputs[i]) binding.inputs.push_back(Ref(p));
      binding.output = Ref(static_cast<int>(i));
    }
    binding.weights = weights_.get();
    binding.cudnn = cudnn_[stream]->get();
    binding.math = options.math;
    binding.max_workspace_bytes = options.max_conv_workspace_bytes;
    binding.conv_algorithms_by_timing = options.conv_algorithms_by_timing;
    if (i < options.conv_algorithms.size()) binding.conv_algorithm = options.conv_algorithms[i];
    binding.bound_conv_algorithm = &conv_algorithms_[i];
    binding.constants = &constants_;
    if (const ReduceFusionDecision* d = FusedDecision(plan_, graph_.nodes[i].name)) {
      binding.fused_tile_h = d->tile_h;
      binding.fused_cout_per_block = d->cout_per_block;
    }
    nodes_[i] = BindNode(binding);
  }
}

// One workspace per stream, as large as the largest its nodes need, all in one allocation.
void CudaContext::AllocateWorkspaces() {
  std::vector<size_t> need(streams_.size(), 0), offset(streams_.size(), 0);
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].enqueue) {
      size_t& n = need[static_cast<size_t>(plan_.node_stream[i])];
      n = std::max(n, nodes_[i].workspace_bytes);
    }
  size_t total = 0;
  for (size_t s = 0; s < need.size(); ++s) {
    offset[s] = total;
    total += AlignUp(need[s]);
  }
  if (total == 0) return;
  try {
    workspace_ = DeviceArena(total);
  } catch (const Error& e) {
    (void)cudaGetLastError();
    Fail("cannot allocate " + std::to_string(total) + " bytes of cuDNN workspace (" + e.what() +
         "); lower ContextOptions::max_conv_workspace_bytes");
  }
  for (size_t s = 0; s < need.size(); ++s)
    if (need[s] > 0) {
      resources_[s].workspace = workspace_.At(offset[s], need[s]);
      resources_[s].workspace_bytes = need[s];
    }
}

void CudaContext::EnqueuePlan() {
  for (const StepRef& ref : plan_.order) {
    const Step& step = plan_.streams[ref.stream][ref.index];
    const StreamResources& s = resources_[ref.stream];
    switch (step.kind) {
      case StepKind::kLaunch:
        try {
          const ScopedLaunchTag tag({launch_context_id_, step.node});
          const NvtxRange range(graph_.nodes[step.node].name.c_str(), nvtx_ranges_);
          if (launch_observer_) launch_observer_(step.node, s.stream, false);
          nodes_[step.node].enqueue(s);
          if (launch_observer_) launch_observer_(step.node, s.stream, true);
        } catch (const Error& e) {
          const Node& node = graph_.nodes[step.node];
          Fail("node \"" + node.name + "\" (" + OpName(node.op) + "): " + e.what());
        }
        break;
      case StepKind::kRecordEvent:
        events_[step.event].Record(s.stream);
        break;
      case StepKind::kWaitEvent:
        events_[step.event].MakeWait(s.stream);
        break;
    }
  }
}

std::vector<size_t> CudaContext::node_workspace_bytes() const {
  std::vector<size_t> out(nodes_.size(), 0);
  for (size_t i = 0; i < nodes_.size(); ++i) out[i] = nodes_[i].workspace_bytes;
  return out;
}

double CudaContext::TimeReplays(int replays) {
  cudaStream_t stream = streams_[0].get();
  struct Timer {
    cudaEvent_t start = nullptr, stop = nullptr;
    ~Timer() {
      if (start) cudaEventDestroy(start);
      if (stop) cudaEventDestroy(stop);
    }
  } timer;
  CUDA_CHECK(cudaEventCreate(&timer.start));
  CUDA_CHECK(cudaEventCreate(&timer.stop));
  Replay(stream);  // untimed: caches warm
  std::vector<float> ms(static_cast<size_t>(std::max(replays, 1)));
  for (float& t : ms) {
    CUDA_CHECK(cudaEventRecord(timer.start, stream));
    Replay(stream);
    CUDA_CHECK(cudaEventRecord(timer.stop, stream));
    CUDA_CHECK(cudaEventSynchronize(timer.stop));
    CUDA_CHECK(cudaEventElapsedTime(&t, timer.start, timer.stop));
  }
  std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
  return ms[ms.size() / 2];
}

void CudaContext::Replay(cudaStream_t stream) {
  if (captured_.valid()) return captured_.Launch(stream);
  cudaStream_t origin = streams_[0].get();
  if (stream != origin) {
    caller_ready_.Record(stream);
    caller_ready_.MakeWait(origin);
  }
  EnqueuePlan();
  if (stream != origin) {
    plan_done_.Record(origin);
    plan_done_.MakeWait(stream);
  }
}

void CudaContext::CopyOutputs(float* destination, cudaMemcpyKind kind, cudaStream_t stream) const {
  for (int i : output_nodes_) {
    const simt::TensorRef out = Ref(i);
    const size_t row = static_cast<size_t>(out.shape.per_image()) * sizeof(float);
    CUDA_CHECK(cudaMemcpy2DAsync(destination, row, out.data,
                                 static_cast<size_t>(out.batch_stride) * sizeof(float), row,
                                 static_cast<size_t>(out.shape.n), kind, stream));
    destination += out.shape.elements();
  }
}

std::vector<Tensor> CudaContext::Run(const Tensor& input, const RunOptions& options) {
  CUDA_CHECK(cudaSetDevice(device_));
  const Shape& s = input_shape();
  if (input.dims != std::vector<int64_t>{s.n, s.c, s.h, s.w})
    Fail("input has shape " + input.dims_str() + ", the plan was built for " + s.str());
  cudaStream_t stream = streams_[0].get();
  if (options.poison && arena_.size() > 0)  // all-ones bytes are a NaN in every float
    CUDA_CHECK(cudaMemsetAsync(arena_.base(), 0xff, arena_.size(), stream));
  CUDA_CHECK(cudaMemcpyAsync(Ref(input_node_).data, input.data.data(),
                             input.data.size() * sizeof(float), cudaMemcpyHostToDevice, stream));
  {
    struct RestoreNvtx {
      bool& on;
      ~RestoreNvtx() { on = true; }
    } restore{nvtx_ranges_};
    nvtx_ranges_ = options.nvtx_ranges;
    if (options.timings && options.timing_mode == TimingMode::kIsolated)
      RunIsolated(options);
    else if (options.timings)
      RunTraced(options);
    else
      TimedReplay(stream, captured_, options.run_us);
  }
  Tensor all({output_elements()});
  CopyOutputs(all.data.data(), cudaMemcpyDeviceToHost, stream);
  streams_[0].Synchronize();
  std::vector<Tensor> outputs;
  const float* from = all.data.data();
  for (const Shape& o : output_shapes()) {
    Tensor t(o.dims());
    std::copy(from, from + o.elements(), t.data.begin());
    from += o.elements();
    outputs.push_back(std::move(t));
  }
  return outputs;
}

void CudaContext::Enqueue(const float* device_input, float* device_output,
                          cudaStream_t caller_stream) {
  if (!device_input || !device_output) Fail("Enqueue: null input or output");
  CUDA_CHECK(cudaSetDevice(device_));
  CUDA_CHECK(cudaMemcpyAsync(Ref(input_node_).data, device_input,
                             static_cast<size_t>(input_shape().elements()) * sizeof(float),
                             cudaMemcpyDeviceToDevice, caller_stream));
  Replay(caller_stream);
  CopyOutputs(device_output, cudaMemcpyDeviceToDevice, caller_stream);
}

}  // namespace cuda
}  // namespace incept

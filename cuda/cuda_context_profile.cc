// CudaContext's profiled runs (cuda_context.h): a CUPTI-traced replay of the whole plan, or
// every node alone between CUDA events. Records carry the plan node through the launch tags
// (cuda/launch_tag.h, graph/profile/kernel_node_map.h).
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "cuda/check.h"
#include "cuda/cuda_context.h"
#include "cuda/cupti_profiler.h"
#include "cuda/launch_tag.h"
#include "cuda/nvtx.h"
#include "graph/error.h"
#include "graph/op_registry.h"

namespace incept {
namespace cuda {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw Error("cuda backend: " + what); }

}  // namespace

void CudaContext::TimedReplay(cudaStream_t stream, const CapturedGraph& graph, double* run_us) {
  const NvtxRange range((graph_.name + " replay").c_str(), nvtx_ranges_);
  auto replay = [&] {
    if (graph.valid())
      graph.Launch(stream);
    else
      Replay(stream);  // the eager plan (no CUDA graph in this context)
  };
  if (!run_us) return replay();
  const Event start(cudaEventDefault), stop(cudaEventDefault);
  start.Record(stream);
  replay();
  stop.Record(stream);
  CUDA_CHECK(cudaEventSynchronize(stop.get()));
  float ms = 0;
  CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
  *run_us = 1000.0 * ms;
}

// Captures the plan again with the tracer subscribed. Its created-node callback tags each
// graph node with the launch in progress; independently, the nodes each launch adds to the
// graph being captured (listed before and after it) are tagged too, so the mapping holds
// even where a CUPTI version issues no callback for captured nodes.
void CudaContext::CaptureTraced(CuptiTracer& tracer) {
  std::unordered_set<cudaGraphNode_t> seen;
  std::vector<cudaGraphNode_t> nodes;
  auto list = [&nodes](cudaStream_t stream) {
    cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
    cudaGraph_t graph = nullptr;
    CUDA_CHECK(cudaStreamGetCaptureInfo(stream, &status, nullptr, &graph));
    nodes.clear();
    if (status != cudaStreamCaptureStatusActive || !graph) return;
    size_t count = 0;
    CUDA_CHECK(cudaGraphGetNodes(graph, nullptr, &count));
    nodes.resize(count);
    if (count > 0) CUDA_CHECK(cudaGraphGetNodes(graph, nodes.data(), &count));
    nodes.resize(count);
  };
  launch_observer_ = [&](int node, cudaStream_t stream, bool after) {
    list(stream);
    for (cudaGraphNode_t n : nodes)
      if (seen.insert(n).second && after) tracer.TagGraphNode(n, {launch_context_id_, node});
  };
  try {
    traced_ = CapturedGraph::Capture(streams_[0].get(), [this] { EnqueuePlan(); });
  } catch (...) {
    launch_observer_ = nullptr;
    throw;
  }
  launch_observer_ = nullptr;
}

void CudaContext::RunTraced(const RunOptions& options) {
  CuptiTracer& tracer = CuptiTracer::Instance();  // throws if CUPTI is missing
  cudaStream_t origin = streams_[0].get();
  // The graph captured at construction predates the tracer: its nodes carry no tags.
  if (captured_.valid() && !traced_.valid()) CaptureTraced(tracer);
  streams_[0].Synchronize();  // the input copy stays out of the trace
  tracer.Begin();
  std::vector<TracedActivity> records;
  try {
    TimedReplay(origin, traced_, options.run_us);
    streams_[0].Synchronize();
  } catch (...) {
    (void)tracer.End();
    tracer.map().ForgetApiCalls();
    throw;
  }
  records = tracer.End();
  if (const size_t dropped = tracer.dropped())
    Fail("CUPTI dropped " + std::to_string(dropped) +
         " activity records; the per-node times "
         "would be incomplete");
  uint64_t first = std::numeric_limits<uint64_t>::max();
  for (const TracedActivity& r : records) first = std::min(first, r.start_ns);
  for (const TracedActivity& r : records) {
    const std::optional<profile::LaunchTag> tag = tracer.map().Find(r.graph_node, r.correlation);
    if (tag && tag->context != launch_context_id_) continue;  // another context's work
    NodeTiming t;
    t.node = tag ? tag->node : -1;
    t.stream = tag ? plan_.node_stream[static_cast<size_t>(tag->node)] : 0;
    t.start_us = 1e-3 * static_cast<double>(r.start_ns - first);
    t.duration_us = 1e-3 * static_cast<double>(r.end_ns - r.start_ns);
    t.kernel = r.name;
    t.device_stream = static_cast<int>(r.stream);
    options.timings->push_back(std::move(t));
  }
  tracer.map().ForgetApiCalls();
}

void CudaContext::RunIsolated(const RunOptions& options) {
  streams_[0].Synchronize();
  const Event start(cudaEventDefault), stop(cudaEventDefault);
  double clock_us = 0;  // the nodes back to back, as if nothing ran between them
  for (const StepRef& ref : plan_.order) {
    const Step& step = plan_.streams[ref.stream][ref.index];
    // Each node runs after every earlier one has finished, so no wait is needed.
    if (step.kind != StepKind::kLaunch) continue;
    const StreamResources& s = resources_[ref.stream];
    start.Record(s.stream);
    try {
      const ScopedLaunchTag tag({launch_context_id_, step.node});
      const NvtxRange range(graph_.nodes[step.node].name.c_str(), nvtx_ranges_);
      nodes_[step.node].enqueue(s);
    } catch (const Error& e) {
      const Node& node = graph_.nodes[step.node];
      Fail("node \"" + node.name + "\" (" + OpName(node.op) + "): " + e.what());
    }
    stop.Record(s.stream);
    CUDA_CHECK(cudaEventSynchronize(stop.get()));
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
    NodeTiming t;
    t.node = step.node;
    t.stream = ref.stream;
    t.start_us = clock_us;
    t.duration_us = 1000.0 * ms;
    clock_us += t.duration_us;
    options.timings->push_back(std::move(t));
  }
  if (options.run_us) *options.run_us = clock_us;
}

}  // namespace cuda
}  // namespace incept

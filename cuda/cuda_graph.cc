// CapturedGraph: capture, instantiate, replay.
#include "cuda/cuda_graph.h"

#include <utility>

#include "cuda/check.h"
#include "graph/error.h"

namespace incept {
namespace cuda {

CapturedGraph CapturedGraph::Capture(cudaStream_t origin, const std::function<void()>& enqueue) {
  CUDA_CHECK(cudaStreamBeginCapture(origin, cudaStreamCaptureModeThreadLocal));
  cudaGraph_t graph = nullptr;
  try {
    enqueue();
  } catch (...) {
    // Leave capture mode before reporting; the partial graph is discarded.
    if (cudaStreamEndCapture(origin, &graph) == cudaSuccess && graph) cudaGraphDestroy(graph);
    (void)cudaGetLastError();  // a capture invalidated by the failure is not sticky
    throw;
  }
  CUDA_CHECK(cudaStreamEndCapture(origin, &graph));
  CapturedGraph captured;
  size_t nodes = 0;
  cudaError_t status = cudaGraphGetNodes(graph, nullptr, &nodes);
  if (status == cudaSuccess) status = cudaGraphInstantiate(&captured.exec_, graph, 0);
  cudaGraphDestroy(graph);  // the executable graph is independent of it
  CUDA_CHECK(status);
  captured.node_count_ = nodes;
  CUDA_CHECK(cudaGraphUpload(captured.exec_, origin));  // the first replay is not slower
  return captured;
}

CapturedGraph::~CapturedGraph() { Release(); }

CapturedGraph::CapturedGraph(CapturedGraph&& other) noexcept
    : exec_(std::exchange(other.exec_, nullptr)),
      node_count_(std::exchange(other.node_count_, 0)) {}

CapturedGraph& CapturedGraph::operator=(CapturedGraph&& other) noexcept {
  if (this != &other) {
    Release();
    exec_ = std::exchange(other.exec_, nullptr);
    node_count_ = std::exchange(other.node_count_, 0);
  }
  return *this;
}

void CapturedGraph::Release() noexcept {
  if (exec_) cudaGraphExecDestroy(exec_);
  exec_ = nullptr;
  node_count_ = 0;
}

void CapturedGraph::Launch(cudaStream_t stream) const {
  if (!exec_) throw Error("cuda graph: Launch() on an empty graph");
  CUDA_CHECK(cudaGraphLaunch(exec_, stream));
}

}  // namespace cuda
}  // namespace incept

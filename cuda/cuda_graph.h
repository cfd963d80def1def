// CapturedGraph: the work that one call enqueues, recorded once into a CUDA graph and
// replayed with one cudaGraphLaunch.
//
// Capture: cudaStreamBeginCapture(origin, thread-local mode); `enqueue` runs; every other
// stream it uses must join the capture through an event recorded on a captured stream
// (fork) and be joined back into `origin` before it returns (a Plan's stream 0 does both);
// cudaStreamEndCapture; cudaGraphInstantiate. Thread-local mode: other threads may keep
// calling CUDA (their own contexts) while this thread captures.
// Replay: Launch(stream) runs the whole graph after the work already queued on `stream`, and
// work queued on `stream` afterwards runs after all of it, whatever stream the graph was
// captured from. Pointers are baked in: the buffers used must outlive the graph.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <functional>

namespace incept {
namespace cuda {

class CapturedGraph {
 public:
  CapturedGraph() = default;
  // Throws incept::Error (the call that failed) if capture or instantiation fails; `origin`
  // is out of capture mode in every case.
  static CapturedGraph Capture(cudaStream_t origin, const std::function<void()>& enqueue);
  ~CapturedGraph();
  CapturedGraph(CapturedGraph&& other) noexcept;
  CapturedGraph& operator=(CapturedGraph&& other) noexcept;
  CapturedGraph(const CapturedGraph&) = delete;
  CapturedGraph& operator=(const CapturedGraph&) = delete;

  bool valid() const { return exec_ != nullptr; }
  size_t node_count() const { return node_count_; }  // kernels, memsets, ... in the graph
  void Launch(cudaStream_t stream) const;

 private:
  void Release() noexcept;
  cudaGraphExec_t exec_ = nullptr;
  size_t node_count_ = 0;
};

}  // namespace cuda
}  // namespace incept

// RAII CUDA streams and events, and StreamFork: the fork/join of parallel branches.
//
//   fork: record one event on the parent stream; every branch stream waits on it.
//   join: every branch records its own event; the parent waits on each (one wait per
//         branch, none redundant). Join() is explicit; the destructor joins if it was not
//         called (and then cannot report an error).
// All objects are move-only and own what they create.
#pragma once

#include <cuda_runtime_api.h>

#include <vector>

namespace incept {
namespace cuda {

class Stream {
 public:
  Stream();  // a non-blocking stream (no implicit sync with the legacy default stream)
  ~Stream();
  Stream(Stream&& other) noexcept;
  Stream& operator=(Stream&& other) noexcept;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const { return stream_; }
  void Synchronize() const;

 private:
  cudaStream_t stream_ = nullptr;
};

class Event {
 public:
  explicit Event(unsigned flags = cudaEventDisableTiming);
  ~Event();
  Event(Event&& other) noexcept;
  Event& operator=(Event&& other) noexcept;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  cudaEvent_t get() const { return event_; }
  void Record(cudaStream_t stream) const;
  void MakeWait(cudaStream_t stream) const;  // `stream` waits for this event's last record

 private:
  cudaEvent_t event_ = nullptr;
};

class StreamFork {
 public:
  // Forks now: every branch starts after the work already queued on `parent`.
  StreamFork(cudaStream_t parent, std::vector<cudaStream_t> branches);
  ~StreamFork();
  StreamFork(const StreamFork&) = delete;
  StreamFork& operator=(const StreamFork&) = delete;
  // Work queued on `parent` after Join() starts after all branch work queued so far.
  void Join();

 private:
  cudaStream_t parent_;
  std::vector<cudaStream_t> branches_;
  Event forked_;
  std::vector<Event> joined_;
  bool joined_done_ = false;
};

}  // namespace cuda
}  // namespace incept

// RAII streams and events; StreamFork's fork and join (see stream.h).
#include "cuda/stream.h"

#include <utility>

#include "cuda/check.h"

namespace incept {
namespace cuda {

Stream::Stream() { CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking)); }
Stream::~Stream() {
  if (stream_) cudaStreamDestroy(stream_);
}
Stream::Stream(Stream&& other) noexcept : stream_(std::exchange(other.stream_, nullptr)) {}
Stream& Stream::operator=(Stream&& other) noexcept {
  if (this != &other) {
    if (stream_) cudaStreamDestroy(stream_);
    stream_ = std::exchange(other.stream_, nullptr);
  }
  return *this;
}
void Stream::Synchronize() const { CUDA_CHECK(cudaStreamSynchronize(stream_)); }

Event::Event(unsigned flags) { CUDA_CHECK(cudaEventCreateWithFlags(&event_, flags)); }
Event::~Event() {
  if (event_) cudaEventDestroy(event_);
}
Event::Event(Event&& other) noexcept : event_(std::exchange(other.event_, nullptr)) {}
Event& Event::operator=(Event&& other) noexcept {
  if (this != &other) {
    if (event_) cudaEventDestroy(event_);
    event_ = std::exchange(other.event_, nullptr);
  }
  return *this;
}
void Event::Record(cudaStream_t stream) const { CUDA_CHECK(cudaEventRecord(event_, stream)); }
void Event::MakeWait(cudaStream_t stream) const {
  CUDA_CHECK(cudaStreamWaitEvent(stream, event_, 0));
}

StreamFork::StreamFork(cudaStream_t parent, std::vector<cudaStream_t> branches)
    : parent_(parent), branches_(std::move(branches)) {
  forked_.Record(parent_);
  for (cudaStream_t branch : branches_) forked_.MakeWait(branch);
  joined_.reserve(branches_.size());
  for (size_t i = 0; i < branches_.size(); ++i) joined_.emplace_back();
}

void StreamFork::Join() {
  if (joined_done_) return;
  for (size_t i = 0; i < branches_.size(); ++i) {
    joined_[i].Record(branches_[i]);
    joined_[i].MakeWait(parent_);
  }
  joined_done_ = true;
}

StreamFork::~StreamFork() {
  try {
    Join();
  } catch (...) {  // a destructor cannot report; the next checked call will
  }
}

}  // namespace cuda
}  // namespace incept

// PinnedBuffer: page-locked host memory (cudaHostAlloc), which the device reads and writes
// by DMA: copies from and to it run at the bus's speed and asynchronously, where pageable
// memory is staged by the driver through its own pinned buffers. Move-only; freed on
// destruction. Allocation failure throws incept::Error naming the size.
#pragma once

#include <cstddef>

namespace incept {
namespace cuda {

class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  explicit PinnedBuffer(size_t bytes);
  ~PinnedBuffer();
  PinnedBuffer(PinnedBuffer&& other) noexcept;
  PinnedBuffer& operator=(PinnedBuffer&& other) noexcept;
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;

  size_t size() const { return bytes_; }
  void* data() const { return data_; }
  float* floats() const { return static_cast<float*>(data_); }

 private:
  void Release() noexcept;
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace cuda
}  // namespace incept

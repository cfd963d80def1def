// DeviceArena: one cudaMalloc holding every activation of an execution context; a Plan
// gives each value an offset, and views are pointer + offset (TFLite's commit step).
// Move-only; frees its memory on destruction. Offsets are checked against the size.
#pragma once

#include <cstddef>

namespace incept {
namespace cuda {

class DeviceArena {
 public:
  static constexpr size_t kAlignment = 256;  // cudaMalloc's guarantee; plans align to it

  DeviceArena() = default;
  explicit DeviceArena(size_t bytes);  // throws incept::Error naming the size on failure
  ~DeviceArena();
  DeviceArena(DeviceArena&& other) noexcept;
  DeviceArena& operator=(DeviceArena&& other) noexcept;
  DeviceArena(const DeviceArena&) = delete;
  DeviceArena& operator=(const DeviceArena&) = delete;

  size_t size() const { return bytes_; }
  void* base() const { return base_; }
  // The region [offset, offset + bytes); throws incept::Error if it leaves the arena.
  void* At(size_t offset, size_t bytes) const;
  template <typename T>
  T* As(size_t offset, size_t count) const {
    return static_cast<T*>(At(offset, count * sizeof(T)));
  }

 private:
  void Release() noexcept;
  void* base_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace cuda
}  // namespace incept

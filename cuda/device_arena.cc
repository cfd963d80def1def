// DeviceArena: one cudaMalloc, bounds-checked offsets.
#include "cuda/device_arena.h"

#include <cuda_runtime_api.h>

#include <string>
#include <utility>

#include "cuda/check.h"
#include "graph/error.h"

namespace incept {
namespace cuda {

DeviceArena::DeviceArena(size_t bytes) : bytes_(bytes) {
  if (bytes == 0) return;
  const cudaError_t status = cudaMalloc(&base_, bytes);
  if (status != cudaSuccess) {
    (void)cudaGetLastError();  // clear it, so a later launch check does not report it again
    base_ = nullptr;
    bytes_ = 0;
    throw Error("device arena of " + std::to_string(bytes) + " bytes: cudaMalloc failed: " +
                cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
  }
}

DeviceArena::~DeviceArena() { Release(); }

DeviceArena::DeviceArena(DeviceArena&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

DeviceArena& DeviceArena::operator=(DeviceArena&& other) noexcept {
  if (this != &other) {
    Release();
    base_ = std::exchange(other.base_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

void DeviceArena::Release() noexcept {
  if (base_) cudaFree(base_);  // a destructor cannot report; the context is going away
  base_ = nullptr;
  bytes_ = 0;
}

void* DeviceArena::At(size_t offset, size_t bytes) const {
  if (offset > bytes_ || bytes > bytes_ - offset)
    throw Error("device arena: region [" + std::to_string(offset) + ", +" + std::to_string(bytes) +
                ") outside the arena of " + std::to_string(bytes_) + " bytes");
  return static_cast<char*>(base_) + offset;
}

}  // namespace cuda
}  // namespace incept

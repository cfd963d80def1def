// Helpers for the GPU tests: skip without a device, device buffers that upload and download
// host vectors. Every CUDA call is checked (incept::Error fails the test).
#pragma once

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <vector>

#include "cuda/check.h"
#include "cuda/kernels/tensor_ref.h"
#include "tests/emu/emu_test_util.h"

namespace incept {
namespace gpu_test {

// True when the CUDA runtime reports at least one usable device (any error means none).
inline bool HaveDevice() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

#define INCEPT_REQUIRE_GPU() \
  if (!::incept::gpu_test::HaveDevice()) GTEST_SKIP() << "no CUDA device"

template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t count) : count_(count) {
    CUDA_CHECK(cudaMalloc(&data_, count * sizeof(T) + 1));
  }
  explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) { Upload(host); }
  ~DeviceBuffer() { cudaFree(data_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return static_cast<T*>(data_); }
  void Upload(const std::vector<T>& host) {
    CUDA_CHECK(cudaMemcpy(data_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
  }
  std::vector<T> Download() const {
    std::vector<T> host(count_);
    CUDA_CHECK(cudaDeviceSynchronize());
    CUDA_CHECK(cudaMemcpy(host.data(), data_, count_ * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  void* data_ = nullptr;
  size_t count_;
};

// A device copy of a SliceOutput's whole buffer (sentinels included).
struct DeviceSlice {
  testing_util::SliceOutput& host;
  DeviceBuffer<float> buffer;
  explicit DeviceSlice(testing_util::SliceOutput& h) : host(h), buffer(h.storage) {}
  simt::TensorRef ref() const {
    return {buffer.get() + host.offset * host.shape.plane(), host.shape,
            host.total_channels * host.shape.plane()};
  }
  void Download() { host.storage = buffer.Download(); }
};

}  // namespace gpu_test
}  // namespace incept

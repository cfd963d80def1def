// DeviceWeights: every parameter tensor of a model in device memory, uploaded once and then
// shared, read-only, by every execution context built on it, from any thread (TensorRT's
// engine/context split: the engine owns the weights, each context its activations).
//
// Layout: one cudaMalloc; the tensors in name order, each at a 256-byte aligned offset.
// A content fingerprint (names, dimensions and values) lets a backend reuse one upload for
// every plan compiled from the same weights.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cuda/device_arena.h"
#include "graph/tensor.h"

namespace incept {
namespace cuda {

// FNV-1a over every tensor's name, dimensions and bytes, in name order.
uint64_t WeightsFingerprint(const WeightMap& weights);

class DeviceWeights {
 public:
  // Uploads `weights` to the current device; throws incept::Error naming the bytes when the
  // device memory does not suffice.
  explicit DeviceWeights(const WeightMap& weights);
  DeviceWeights(const DeviceWeights&) = delete;
  DeviceWeights& operator=(const DeviceWeights&) = delete;

  // The device copy of tensor `name`, or null if there is none.
  const float* Find(const std::string& name) const;
  // The same; throws incept::Error naming the tensor if absent.
  const float* At(const std::string& name) const;
  // Copies tensor `name` back to the host (for constants derived when a context is built).
  std::vector<float> Download(const std::string& name) const;

  size_t bytes() const { return memory_.size(); }
  size_t tensor_count() const { return entries_.size(); }
  int device() const { return device_; }
  uint64_t fingerprint() const { return fingerprint_; }

 private:
  struct Entry {
    size_t offset = 0;  // bytes from the start of memory_
    size_t elements = 0;
  };
  std::map<std::string, Entry> entries_;
  DeviceArena memory_;
  int device_ = 0;
  uint64_t fingerprint_ = 0;
};

}  // namespace cuda
}  // namespace incept

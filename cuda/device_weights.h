// DeviceWeights: every parameter tensor of a model in device memory, uploaded once and then
// shared, read-only, by every execution context built on it, from any thread (TensorRT's
// engine/context split: the engine owns the weights, each context its activations).
//
// Layout: one cudaMalloc; the tensors in name order, each at a 256-byte aligned offset.
// A content fingerprint (names, dimensions, values and storage formats) lets a backend reuse
// one upload for every plan compiled from the same weights at the same precision.
//
// Formats (cuda/plan/weight_formats.h): without any, every tensor is its fp32 values byte
// for byte. Under fp16/bf16 the tensor-core ops' weights are rounded once, here, and stored
// as WeightFormatsFor says (conv filters T OHWI, conv biases T, FC weights T, FC biases
// rounded fp32).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cuda/device_arena.h"
#include "cuda/plan/weight_formats.h"
#include "graph/tensor.h"

namespace incept {
namespace cuda {

// FNV-1a over every tensor's name, dimensions and bytes, in name order, then the formats.
uint64_t WeightsFingerprint(const WeightMap& weights, const WeightFormats& formats = {});

class DeviceWeights {
 public:
  // Uploads `weights` to the current device; throws incept::Error naming the bytes when the
  // device memory does not suffice.
  explicit DeviceWeights(const WeightMap& weights, const WeightFormats& formats = {});
  DeviceWeights(const DeviceWeights&) = delete;
  DeviceWeights& operator=(const DeviceWeights&) = delete;

  // The device copy of tensor `name`, or null if there is none. Throws incept::Error naming
  // the tensor if it is not stored as fp32 (use Bytes).
  const float* Find(const std::string& name) const;
  // The same; throws incept::Error naming the tensor if absent.
  const float* At(const std::string& name) const;
  // The device copy of tensor `name` in its stored format (`format`); throws incept::Error
  // naming the tensor if absent or not stored as `stored`.
  const void* Bytes(const std::string& name, ElementType stored) const;
  // The format tensor `name` is stored in (fp32 as given when not in the upload's formats).
  WeightFormat FormatOf(const std::string& name) const;
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
    WeightFormat format;
  };
  const Entry& EntryOf(const std::string& name) const;  // throws if absent
  std::map<std::string, Entry> entries_;
  DeviceArena memory_;
  int device_ = 0;
  uint64_t fingerprint_ = 0;
};

}  // namespace cuda
}  // namespace incept

// DeviceWeights: lay the tensors out, stage them in one host buffer, one upload.
#include "cuda/device_weights.h"

#include <cuda_runtime_api.h>

#include <cstring>

#include "cuda/check.h"
#include "graph/error.h"

namespace incept {
namespace cuda {
namespace {

size_t AlignUp(size_t bytes) {
  return (bytes + DeviceArena::kAlignment - 1) / DeviceArena::kAlignment * DeviceArena::kAlignment;
}

void Mix(uint64_t& hash, const void* data, size_t bytes) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < bytes; ++i) hash = (hash ^ p[i]) * 1099511628211ull;
}

}  // namespace

uint64_t WeightsFingerprint(const WeightMap& weights) {
  uint64_t hash = 14695981039346656037ull;
  for (const auto& [name, tensor] : weights) {
    Mix(hash, name.data(), name.size() + 1);
    Mix(hash, tensor.dims.data(), tensor.dims.size() * sizeof(int64_t));
    Mix(hash, tensor.data.data(), tensor.data.size() * sizeof(float));
  }
  return hash;
}

DeviceWeights::DeviceWeights(const WeightMap& weights) : fingerprint_(WeightsFingerprint(weights)) {
  CUDA_CHECK(cudaGetDevice(&device_));
  size_t total = 0;
  for (const auto& [name, tensor] : weights) {
    entries_[name] = Entry{total, tensor.data.size()};
    total += AlignUp(tensor.data.size() * sizeof(float));
  }
  if (total == 0) return;
  try {
    memory_ = DeviceArena(total);
  } catch (const Error& e) {
    (void)cudaGetLastError();  // a failed cudaMalloc must not fail later launch checks
    throw Error("cuda backend: cannot upload the weights (" + std::to_string(total) +
                " bytes): " + e.what());
  }
  std::vector<unsigned char> staging(total, 0);
  for (const auto& [name, tensor] : weights)
    std::memcpy(staging.data() + entries_[name].offset, tensor.data.data(),
                tensor.data.size() * sizeof(float));
  CUDA_CHECK(cudaMemcpy(memory_.base(), staging.data(), total, cudaMemcpyHostToDevice));
}

const float* DeviceWeights::Find(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) return nullptr;
  return static_cast<const float*>(memory_.At(it->second.offset, it->second.elements * 4));
}

const float* DeviceWeights::At(const std::string& name) const {
  const float* p = Find(name);
  if (!p) throw Error("cuda backend: tensor \"" + name + "\" is not in the device weights");
  return p;
}

std::vector<float> DeviceWeights::Download(const std::string& name) const {
  const float* p = At(name);
  std::vector<float> host(entries_.at(name).elements);
  CUDA_CHECK(cudaMemcpy(host.data(), p, host.size() * sizeof(float), cudaMemcpyDeviceToHost));
  return host;
}

}  // namespace cuda
}  // namespace incept

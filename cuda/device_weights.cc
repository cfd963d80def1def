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

uint64_t WeightsFingerprint(const WeightMap& weights, const WeightFormats& formats) {
  uint64_t hash = 14695981039346656037ull;
  for (const auto& [name, tensor] : weights) {
    Mix(hash, name.data(), name.size() + 1);
    Mix(hash, tensor.dims.data(), tensor.dims.size() * sizeof(int64_t));
    Mix(hash, tensor.data.data(), tensor.data.size() * sizeof(float));
  }
  for (const auto& [name, format] : formats) {  // none under fp32: the hash is unchanged
    Mix(hash, name.data(), name.size() + 1);
    const int fields[3] = {static_cast<int>(format.rounded_to), static_cast<int>(format.stored),
                           static_cast<int>(format.layout)};
    Mix(hash, fields, sizeof(fields));
  }
  return hash;
}

DeviceWeights::DeviceWeights(const WeightMap& weights, const WeightFormats& formats)
    : fingerprint_(WeightsFingerprint(weights, formats)) {
  CUDA_CHECK(cudaGetDevice(&device_));
  for (const auto& [name, format] : formats)
    if (!weights.count(name))
      throw Error("cuda backend: weight format for \"" + name + "\", a tensor not in the weights");
  size_t total = 0;
  for (const auto& [name, tensor] : weights) {
    auto it = formats.find(name);
    const WeightFormat format = it == formats.end() ? WeightFormat{} : it->second;
    entries_[name] = Entry{total, tensor.data.size(), format};
    total += AlignUp(tensor.data.size() * static_cast<size_t>(ElementSize(format.stored)));
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
  for (const auto& [name, tensor] : weights) {
    const Entry& entry = entries_[name];
    if (entry.format == WeightFormat{}) {  // fp32 as given: no intermediate copy
      std::memcpy(staging.data() + entry.offset, tensor.data.data(),
                  tensor.data.size() * sizeof(float));
      continue;
    }
    const std::vector<uint8_t> bytes = StoreWeight(tensor, entry.format);
    std::memcpy(staging.data() + entry.offset, bytes.data(), bytes.size());
  }
  CUDA_CHECK(cudaMemcpy(memory_.base(), staging.data(), total, cudaMemcpyHostToDevice));
}

const float* DeviceWeights::Find(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) return nullptr;
  if (it->second.format.stored != ElementType::kF32)
    throw Error("cuda backend: tensor \"" + name + "\" is stored as " +
                WeightFormatName(it->second.format) + ", not fp32");
  return static_cast<const float*>(memory_.At(it->second.offset, it->second.elements * 4));
}

const DeviceWeights::Entry& DeviceWeights::EntryOf(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end())
    throw Error("cuda backend: tensor \"" + name + "\" is not in the device weights");
  return it->second;
}

const void* DeviceWeights::Bytes(const std::string& name, ElementType stored) const {
  const Entry& e = EntryOf(name);
  if (e.format.stored != stored)
    throw Error("cuda backend: tensor \"" + name + "\" is stored as " + WeightFormatName(e.format) +
                ", not " + ElementTypeName(stored));
  return memory_.At(e.offset, e.elements * static_cast<size_t>(ElementSize(stored)));
}

WeightFormat DeviceWeights::FormatOf(const std::string& name) const { return EntryOf(name).format; }

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

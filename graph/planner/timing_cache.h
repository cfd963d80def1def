// Timing cache: measured tactic candidates, persisted across processes and models, so a
// rebuild does not time again (DESIGN.md §11).
//
// Key: the device key (backend, device, SM, driver, CUDA, cuDNN, cuBLAS versions:
// device_key.h) and the layer signature, which holds everything a layer's speed depends
// on and nothing else: op, attributes, input and output shapes, element type, layout and
// strides (a branch writing into a concat slice has its root's batch stride). Node names
// and weight names are not in it, so equal layers of different models share an entry.
//
// File: JSON, {"format": "incept-timing-cache", "version": 1, "devices": [{"device":
// {backend, device, sm, driver, cuda, cudnn, cublas}, "layers": {signature: [[name,
// median_us, spread, samples], ...]}}]}. A missing file is an empty cache; a corrupted one
// is an Error naming the file and what is wrong (delete it to start afresh): a cache is
// asked for by the user, so a silent fallback to re-timing everything would hide the
// problem. Save merges with what the file holds now (entries of this cache win), then
// writes a temporary file and renames it over the old one, so concurrent builds never
// leave a torn file (the last writer's merge wins).
//
// Thread safety: every member function may be called from several threads at once.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/planner/device_key.h"
#include "graph/planner/plan.h"

namespace incept {

// The signature of node `node` of a scheduled plan: op name, attributes (as JSON), input
// shapes, output shape, element type, layout and batch strides, one line, e.g.
//   Conv2d {"activation":"relu",...} in [1x64x56x56 bs200704] out [1x64x56x56 bs802816]
//   fp32 NCHW
std::string LayerSignature(const Graph& graph, int node, const std::string& element_type = "fp32",
                           const std::string& layout = "NCHW");

class TimingCache {
 public:
  TimingCache() = default;
  TimingCache(const TimingCache& other);
  TimingCache& operator=(const TimingCache& other);

  // The candidates measured for this layer on this device, if any.
  std::optional<std::vector<TacticCandidate>> Find(const DeviceKey& device,
                                                   const std::string& signature) const;
  void Insert(const DeviceKey& device, const std::string& signature,
              std::vector<TacticCandidate> candidates);
  size_t size() const;  // entries over all devices

  // Missing file: an empty cache. Unreadable or malformed: Error naming `path`.
  static TimingCache Load(const std::string& path);
  // Merges with `path`'s current entries (ours win), writes `path`.tmp, renames.
  void Save(const std::string& path) const;

  std::string ToJson() const;
  static TimingCache FromJson(const std::string& text, const std::string& source);

 private:
  mutable std::mutex mutex_;
  // DeviceKeyString(device) -> (device, signature -> candidates)
  std::map<std::string, std::pair<DeviceKey, std::map<std::string, std::vector<TacticCandidate>>>>
      entries_;
};

}  // namespace incept

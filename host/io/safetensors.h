// Safetensors weight files: load (any float or integer dtype, widened to fp32) and save
// (F32).
//
// Format: an 8-byte little-endian u64 N, an N-byte UTF-8 JSON object, then the data buffer
// (the rest of the file). The object maps each tensor name to
//   {"dtype": "F32", "shape": [64, 3, 7, 7], "data_offsets": [begin, end]}
// (offsets relative to the data buffer) and may hold "__metadata__": {string: string}.
//
// Everything is validated before any data is read, and each broken rule raises an Error
// that names the file, the tensor and the rule:
//   - the file holds the 8 length bytes; N <= kSafetensorsMaxHeaderBytes and N fits in
//     the file; the header is valid UTF-8 JSON, an object, without duplicate keys;
//   - each entry has a known dtype, a shape of non-negative integers whose element count
//     fits in int64, and data_offsets [begin, end] with begin <= end <= buffer size;
//   - elements x dtype size == end - begin;
//   - the tensors, sorted by offset, tile the buffer exactly: no gap, no overlap, nothing
//     after the last one.
// Unknown fields in an entry are ignored (as the reference implementation does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/tensor.h"
#include "host/io/safetensors_dtype.h"

namespace incept {

constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

struct SafetensorsContents {
  WeightMap tensors;                               // every tensor, widened to fp32
  std::map<std::string, SafetensorsDtype> dtypes;  // the dtype each was stored in
  std::map<std::string, std::string> metadata;     // "__metadata__", if present
};

// `source` names the file in error messages.
SafetensorsContents ParseSafetensorsContents(const uint8_t* data, size_t size,
                                             const std::string& source);
SafetensorsContents ReadSafetensors(const std::string& path);

WeightMap ParseSafetensors(const uint8_t* data, size_t size, const std::string& source);
WeightMap LoadSafetensors(const std::string& path);

// Serialises as F32, tensors in name order, the header padded with spaces to a multiple
// of 8 bytes. Throws Error if a tensor's data size does not match its dims or a tensor is
// named "__metadata__".
std::vector<uint8_t> SerializeSafetensors(const WeightMap& weights,
                                          const std::map<std::string, std::string>& metadata = {});
void SaveSafetensors(const std::string& path, const WeightMap& weights,
                     const std::map<std::string, std::string>& metadata = {});

}  // namespace incept

#include "host/io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <tuple>

#include "graph/error.h"
#include "host/io/file_bytes.h"

namespace incept {
namespace {

using json = nlohmann::json;

constexpr size_t kLengthBytes = 8;  // the little-endian u64 header length
constexpr char kMetadataKey[] = "__metadata__";

// One validated header entry.
struct Entry {
  std::string name;
  SafetensorsDtype dtype = SafetensorsDtype::kF32;
  std::vector<int64_t> shape;
  uint64_t elements = 0;
  uint64_t begin = 0, end = 0;  // relative to the data buffer
};

[[noreturn]] void Fail(const std::string& source, const std::string& what) {
  throw Error(source + ": " + what);
}

std::string Quoted(const std::string& text) { return json(text).dump(-1, ' ', true); }

// A JSON value in an error message, ASCII only and at most ~40 characters.
std::string Brief(const json& value) {
  std::string text = value.dump(-1, ' ', true);
  return text.size() > 40 ? text.substr(0, 37) + "..." : text;
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string RangeString(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + "," + std::to_string(end) + "]";
}

std::string KnownDtypes() {
  std::string names;
  for (int i = 0; i <= static_cast<int>(SafetensorsDtype::kF64); ++i) {
    names += (i ? ", " : "") + std::string(SafetensorsDtypeName(static_cast<SafetensorsDtype>(i)));
  }
  return names;
}

std::optional<uint64_t> AsUnsigned(const json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  return std::nullopt;  // negative integers, floats, bools, strings...
}

uint64_t ReadLittleEndianU64(const uint8_t* bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < kLengthBytes; ++i) value |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  return value;
}

// Parses the header text, refusing duplicate keys (nlohmann keeps the last one silently, so
// a parser callback records every object's keys as they stream by).
json ParseHeader(const uint8_t* text, size_t size, const std::string& source) {
  std::vector<std::set<std::string>> open_objects;
  std::string tensor;  // the top-level key whose entry is being read
  std::optional<std::string> duplicate;
  json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      open_objects.pop_back();
    } else if (event == json::parse_event_t::key) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (open_objects.size() == 1) tensor = key;
      if (!open_objects.back().insert(key).second && !duplicate) {
        duplicate = open_objects.size() == 1
                        ? "duplicate tensor name " + Quoted(key)
                        : "tensor " + Quoted(tensor) + ": duplicate key " + Quoted(key);
      }
    }
    return true;
  };
  json header;
  try {
    const char* begin = reinterpret_cast<const char*>(text);
    header = json::parse(begin, begin + size, callback);
  } catch (const json::exception& e) {
    Fail(source, std::string("header is not valid UTF-8 JSON: ") + e.what());
  }
  if (!header.is_object()) Fail(source, "header must be a JSON object, got " + Brief(header));
  if (duplicate) Fail(source, *duplicate);
  return header;
}

std::map<std::string, std::string> ReadMetadata(const json& value, const std::string& source) {
  std::map<std::string, std::string> metadata;
  if (!value.is_object()) {
    Fail(source, "\"__metadata__\" must be an object of strings, got " + Brief(value));
  }
  for (const auto& [key, text] : value.items()) {
    if (!text.is_string()) {
      Fail(source,
           "\"__metadata__\": value of " + Quoted(key) + " must be a string, got " + Brief(text));
    }
    metadata[key] = text.get<std::string>();
  }
  return metadata;
}

// Validates one entry against the rules of the file header comment (all but tiling).
Entry ReadEntry(const std::string& name, const json& value, uint64_t buffer_bytes,
                const std::string& source) {
  const std::string where = "tensor " + Quoted(name) + ": ";
  if (!value.is_object()) Fail(source, where + "entry must be a JSON object, got " + Brief(value));
  Entry entry;
  entry.name = name;

  const auto dtype = value.find("dtype");
  if (dtype == value.end()) Fail(source, where + "missing \"dtype\"");
  if (!dtype->is_string()) Fail(source, where + "\"dtype\" must be a string, got " + Brief(*dtype));
  const auto found = FindSafetensorsDtype(dtype->get<std::string>());
  if (!found) {
    Fail(source, where + "unknown dtype " + Brief(*dtype) + " (known: " + KnownDtypes() + ")");
  }
  entry.dtype = *found;

  const auto shape = value.find("shape");
  if (shape == value.end()) Fail(source, where + "missing \"shape\"");
  const std::string bad_shape =
      where + "\"shape\" must be an array of non-negative integers, got " + Brief(*shape);
  if (!shape->is_array()) Fail(source, bad_shape);
  // The product of the non-zero dims must fit in int64, so that no partial product of
  // the dims (as Tensor::elements() computes them) can overflow either.
  uint64_t nonzero_product = 1;
  bool has_zero = false;
  constexpr uint64_t kMaxElements = std::numeric_limits<int64_t>::max();
  for (const json& dim_json : *shape) {
    const auto dim = AsUnsigned(dim_json);
    if (!dim) Fail(source, bad_shape);
    if (*dim > kMaxElements)
      Fail(source, where + "shape dim " + std::to_string(*dim) + " too large");
    entry.shape.push_back(static_cast<int64_t>(*dim));
    if (*dim == 0) {
      has_zero = true;
    } else if (nonzero_product > kMaxElements / *dim) {
      Fail(source,
           where + "shape " + ShapeString(entry.shape) + "... has more elements than fit in int64");
    } else {
      nonzero_product *= *dim;
    }
  }
  entry.elements = has_zero ? 0 : nonzero_product;

  const auto offsets = value.find("data_offsets");
  if (offsets == value.end()) Fail(source, where + "missing \"data_offsets\"");
  if (!offsets->is_array() || offsets->size() != 2 || !AsUnsigned((*offsets)[0]) ||
      !AsUnsigned((*offsets)[1])) {
    Fail(source, where + "\"data_offsets\" must be [begin, end] of non-negative integers, got " +
                     Brief(*offsets));
  }
  entry.begin = (*offsets)[0].get<uint64_t>();
  entry.end = (*offsets)[1].get<uint64_t>();
  const std::string range = RangeString(entry.begin, entry.end);
  if (entry.begin > entry.end)
    Fail(source, where + "data_offsets " + range + " end before they begin");
  if (entry.end > buffer_bytes) {
    Fail(source, where + "data_offsets " + range + " out of range: the data buffer has " +
                     std::to_string(buffer_bytes) + " bytes");
  }

  const uint64_t element_bytes = SafetensorsDtypeBytes(entry.dtype);
  const std::string size_rule =
      "shape " + ShapeString(entry.shape) + " x " + SafetensorsDtypeName(entry.dtype) + " = ";
  if (entry.elements > std::numeric_limits<uint64_t>::max() / element_bytes) {
    Fail(source, where + size_rule + "more than 2^64 bytes but data_offsets span " +
                     std::to_string(entry.end - entry.begin));
  }
  if (entry.elements * element_bytes != entry.end - entry.begin) {
    Fail(source, where + size_rule + std::to_string(entry.elements * element_bytes) +
                     " bytes but data_offsets span " + std::to_string(entry.end - entry.begin));
  }
  return entry;
}

// The tensors, sorted by offset, must tile [0, buffer_bytes) exactly.
void CheckTiling(std::vector<Entry>& entries, uint64_t buffer_bytes, const std::string& source) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  uint64_t covered = 0;  // bytes [0, covered) belong to the tensors seen so far
  const Entry* previous = nullptr;
  for (const Entry& entry : entries) {
    if (entry.begin > covered) {
      Fail(source, "tensor " + Quoted(entry.name) + ": gap before its data_offsets " +
                       RangeString(entry.begin, entry.end) + ": bytes [" + std::to_string(covered) +
                       "," + std::to_string(entry.begin) + ") belong to no tensor");
    }
    if (entry.begin < covered) {
      Fail(source, "tensor " + Quoted(entry.name) + ": data_offsets " +
                       RangeString(entry.begin, entry.end) + " overlap tensor " +
                       Quoted(previous->name) + "'s " +
                       RangeString(previous->begin, previous->end));
    }
    covered = entry.end;
    previous = &entry;
  }
  if (covered != buffer_bytes) {
    Fail(source, "the data buffer has " + std::to_string(buffer_bytes) +
                     " bytes but the tensors cover only " + std::to_string(covered) +
                     " (bytes after the last tensor)");
  }
}

std::vector<uint8_t> Serialize(const WeightMap& weights,
                               const std::map<std::string, std::string>& metadata,
                               const std::string& source) {
  json header = json::object();
  uint64_t offset = 0;
  for (const auto& [name, tensor] : weights) {
    if (name == kMetadataKey) Fail(source, "tensor name \"__metadata__\" is reserved");
    for (int64_t dim : tensor.dims) {
      if (dim < 0)
        Fail(source, "tensor " + Quoted(name) + ": negative dim in " + tensor.dims_str());
    }
    if (static_cast<int64_t>(tensor.data.size()) != tensor.elements()) {
      Fail(source, "tensor " + Quoted(name) + ": dims " + tensor.dims_str() + " hold " +
                       std::to_string(tensor.elements()) + " elements but data has " +
                       std::to_string(tensor.data.size()));
    }
    const uint64_t bytes = tensor.data.size() * sizeof(float);
    header[name] = {{"dtype", "F32"},
                    {"shape", tensor.dims},
                    {"data_offsets", json::array({offset, offset + bytes})}};
    offset += bytes;
  }
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');

  std::vector<uint8_t> file(kLengthBytes + text.size() + offset);
  for (size_t i = 0; i < kLengthBytes; ++i) file[i] = static_cast<uint8_t>(text.size() >> (8 * i));
  std::copy(text.begin(), text.end(), file.begin() + kLengthBytes);
  uint8_t* out = file.data() + kLengthBytes + text.size();
  for (const auto& [name, tensor] : weights) {
    const size_t bytes = tensor.data.size() * sizeof(float);
    if (bytes > 0) std::memcpy(out, tensor.data.data(), bytes);  // host is little-endian
    out += bytes;
  }
  return file;
}

}  // namespace

SafetensorsContents ParseSafetensorsContents(const uint8_t* data, size_t size,
                                             const std::string& source) {
  if (size < kLengthBytes) {
    Fail(source, "file is " + std::to_string(size) +
                     " bytes, too short for the 8-byte header length (truncated?)");
  }
  const uint64_t header_bytes = ReadLittleEndianU64(data);
  if (header_bytes > kSafetensorsMaxHeaderBytes) {
    Fail(source, "header length " + std::to_string(header_bytes) + " exceeds the limit of " +
                     std::to_string(kSafetensorsMaxHeaderBytes) + " bytes");
  }
  if (header_bytes > size - kLengthBytes) {
    Fail(source, "header length " + std::to_string(header_bytes) + " exceeds the " +
                     std::to_string(size - kLengthBytes) +
                     " bytes after the length field (truncated?)");
  }
  const uint8_t* buffer = data + kLengthBytes + header_bytes;
  const uint64_t buffer_bytes = size - kLengthBytes - header_bytes;
  const json header = ParseHeader(data + kLengthBytes, header_bytes, source);

  SafetensorsContents contents;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == kMetadataKey) {
      contents.metadata = ReadMetadata(value, source);
    } else {
      entries.push_back(ReadEntry(name, value, buffer_bytes, source));
    }
  }
  CheckTiling(entries, buffer_bytes, source);

  for (const Entry& entry : entries) {
    Tensor tensor(entry.shape);
    ConvertToFloat(entry.dtype, buffer + entry.begin, entry.elements, tensor.data.data());
    contents.tensors.emplace(entry.name, std::move(tensor));
    contents.dtypes.emplace(entry.name, entry.dtype);
  }
  return contents;
}

SafetensorsContents ReadSafetensors(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ParseSafetensorsContents(bytes.data(), bytes.size(), path);
}

WeightMap ParseSafetensors(const uint8_t* data, size_t size, const std::string& source) {
  return ParseSafetensorsContents(data, size, source).tensors;
}

WeightMap LoadSafetensors(const std::string& path) { return ReadSafetensors(path).tensors; }

std::vector<uint8_t> SerializeSafetensors(const WeightMap& weights,
                                          const std::map<std::string, std::string>& metadata) {
  return Serialize(weights, metadata, "SerializeSafetensors");
}

void SaveSafetensors(const std::string& path, const WeightMap& weights,
                     const std::map<std::string, std::string>& metadata) {
  const std::vector<uint8_t> file = Serialize(weights, metadata, path);
  WriteFileBytes(path, file.data(), file.size());
}

}  // namespace incept

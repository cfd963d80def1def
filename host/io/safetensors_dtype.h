// The element types of the safetensors format: name, size in bytes, and widening of a run
// of stored little-endian elements to fp32.
//
// Floats convert exactly (F16, BF16, F8 widen; F64 rounds to nearest fp32). Integers and
// BOOL convert to the nearest fp32, exact up to 2^24 in magnitude: they appear in weight
// files as counters (BatchNorm's num_batches_tracked), which no inference op reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace incept {

enum class SafetensorsDtype {
  kBool,
  kU8,
  kI8,
  kF8E5M2,
  kF8E4M3,
  kU16,
  kI16,
  kF16,
  kBF16,
  kU32,
  kI32,
  kF32,
  kU64,
  kI64,
  kF64,
};

const char* SafetensorsDtypeName(SafetensorsDtype dtype);  // as in the header: "F32"
size_t SafetensorsDtypeBytes(SafetensorsDtype dtype);
std::optional<SafetensorsDtype> FindSafetensorsDtype(const std::string& name);

// Converts `count` elements stored at `src` (little-endian, any alignment) to fp32.
void ConvertToFloat(SafetensorsDtype dtype, const uint8_t* src, size_t count, float* dst);

}  // namespace incept

#include "host/io/safetensors_dtype.h"

#include <cstring>

#include "host/io/float_bits.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; this loader assumes a little-endian host");

namespace incept {
namespace {

struct DtypeInfo {
  SafetensorsDtype dtype;
  const char* name;
  size_t bytes;
};

constexpr DtypeInfo kDtypes[] = {
    {SafetensorsDtype::kBool, "BOOL", 1},      {SafetensorsDtype::kU8, "U8", 1},
    {SafetensorsDtype::kI8, "I8", 1},          {SafetensorsDtype::kF8E5M2, "F8_E5M2", 1},
    {SafetensorsDtype::kF8E4M3, "F8_E4M3", 1}, {SafetensorsDtype::kU16, "U16", 2},
    {SafetensorsDtype::kI16, "I16", 2},        {SafetensorsDtype::kF16, "F16", 2},
    {SafetensorsDtype::kBF16, "BF16", 2},      {SafetensorsDtype::kU32, "U32", 4},
    {SafetensorsDtype::kI32, "I32", 4},        {SafetensorsDtype::kF32, "F32", 4},
    {SafetensorsDtype::kU64, "U64", 8},        {SafetensorsDtype::kI64, "I64", 8},
    {SafetensorsDtype::kF64, "F64", 8},
};

constexpr bool TableInEnumOrder() {
  for (size_t i = 0; i < sizeof(kDtypes) / sizeof(kDtypes[0]); ++i) {
    if (static_cast<size_t>(kDtypes[i].dtype) != i) return false;
  }
  return true;
}
static_assert(TableInEnumOrder(), "kDtypes must list the dtypes in enum order");

const DtypeInfo& Info(SafetensorsDtype dtype) { return kDtypes[static_cast<int>(dtype)]; }

// Reads element i of type T (host order = little-endian, checked above).
template <class T>
T Load(const uint8_t* src, size_t i) {
  T value;
  std::memcpy(&value, src + i * sizeof(T), sizeof(T));
  return value;
}

template <class T>
void Widen(const uint8_t* src, size_t count, float* dst) {
  for (size_t i = 0; i < count; ++i) dst[i] = static_cast<float>(Load<T>(src, i));
}

template <class T, float (*convert)(T)>
void WidenBits(const uint8_t* src, size_t count, float* dst) {
  for (size_t i = 0; i < count; ++i) dst[i] = convert(Load<T>(src, i));
}

}  // namespace

const char* SafetensorsDtypeName(SafetensorsDtype dtype) { return Info(dtype).name; }
size_t SafetensorsDtypeBytes(SafetensorsDtype dtype) { return Info(dtype).bytes; }

std::optional<SafetensorsDtype> FindSafetensorsDtype(const std::string& name) {
  for (const DtypeInfo& info : kDtypes) {
    if (name == info.name) return info.dtype;
  }
  return std::nullopt;
}

void ConvertToFloat(SafetensorsDtype dtype, const uint8_t* src, size_t count, float* dst) {
  switch (dtype) {
    case SafetensorsDtype::kBool:
      for (size_t i = 0; i < count; ++i) dst[i] = src[i] != 0 ? 1.0f : 0.0f;
      return;
    case SafetensorsDtype::kU8:
      return Widen<uint8_t>(src, count, dst);
    case SafetensorsDtype::kI8:
      return Widen<int8_t>(src, count, dst);
    case SafetensorsDtype::kF8E5M2:
      return WidenBits<uint8_t, Float8E5M2BitsToFloat>(src, count, dst);
    case SafetensorsDtype::kF8E4M3:
      return WidenBits<uint8_t, Float8E4M3BitsToFloat>(src, count, dst);
    case SafetensorsDtype::kU16:
      return Widen<uint16_t>(src, count, dst);
    case SafetensorsDtype::kI16:
      return Widen<int16_t>(src, count, dst);
    case SafetensorsDtype::kF16:
      return WidenBits<uint16_t, HalfBitsToFloat>(src, count, dst);
    case SafetensorsDtype::kBF16:
      return WidenBits<uint16_t, BFloat16BitsToFloat>(src, count, dst);
    case SafetensorsDtype::kU32:
      return Widen<uint32_t>(src, count, dst);
    case SafetensorsDtype::kI32:
      return Widen<int32_t>(src, count, dst);
    case SafetensorsDtype::kF32:
      if (count > 0) std::memcpy(dst, src, count * sizeof(float));
      return;
    case SafetensorsDtype::kU64:
      return Widen<uint64_t>(src, count, dst);
    case SafetensorsDtype::kI64:
      return Widen<int64_t>(src, count, dst);
    case SafetensorsDtype::kF64:
      return Widen<double>(src, count, dst);
  }
}

}  // namespace incept

#include "graph/onnx/onnx_tensor.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "graph/error.h"

namespace incept::onnx_import {
namespace {

// Above this many elements a tensor is refused as absurd (4 G floats = 16 GiB).
constexpr int64_t kMaxElements = int64_t{1} << 32;

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float v;
  if (exponent == 0)
    v = std::ldexp(static_cast<float>(mantissa), -24);  // zero or subnormal
  else if (exponent == 31)
    v = mantissa ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  else
    v = std::ldexp(static_cast<float>(mantissa | 0x400), static_cast<int>(exponent) - 25);
  return sign ? -v : v;
}

struct TypeInfo {
  int bytes;
  bool is_int;
  const char* name;
};

bool LookUp(int32_t type, TypeInfo* info) {
  using T = onnx::TensorProto;
  switch (type) {
    case T::FLOAT:
      *info = {4, false, "float"};
      return true;
    case T::DOUBLE:
      *info = {8, false, "double"};
      return true;
    case T::FLOAT16:
      *info = {2, false, "float16"};
      return true;
    case T::INT8:
      *info = {1, true, "int8"};
      return true;
    case T::UINT8:
      *info = {1, true, "uint8"};
      return true;
    case T::INT16:
      *info = {2, true, "int16"};
      return true;
    case T::UINT16:
      *info = {2, true, "uint16"};
      return true;
    case T::INT32:
      *info = {4, true, "int32"};
      return true;
    case T::UINT32:
      *info = {4, true, "uint32"};
      return true;
    case T::INT64:
      *info = {8, true, "int64"};
      return true;
    case T::UINT64:
      *info = {8, true, "uint64"};
      return true;
    case T::BOOL:
      *info = {1, true, "bool"};
      return true;
    default:
      return false;
  }
}

// Element i of little-endian raw bytes of `type`, as a double (exact for every int up to
// 2^53 and every float), and as int64 for integer types.
void ReadRaw(const std::string& raw, int32_t type, int64_t i, double* v, int64_t* iv) {
  using T = onnx::TensorProto;
  const char* p = raw.data();
  auto load = [&](auto tag) {
    decltype(tag) x;
    std::memcpy(&x, p + i * static_cast<int64_t>(sizeof(x)), sizeof(x));
    return x;
  };
  switch (type) {
    case T::FLOAT:
      *v = load(float{});
      break;
    case T::DOUBLE:
      *v = load(double{});
      break;
    case T::FLOAT16:
      *v = HalfToFloat(load(uint16_t{}));
      break;
    case T::INT8:
      *iv = load(int8_t{});
      break;
    case T::UINT8:
      *iv = load(uint8_t{});
      break;
    case T::BOOL:
      *iv = load(uint8_t{}) != 0;
      break;
    case T::INT16:
      *iv = load(int16_t{});
      break;
    case T::UINT16:
      *iv = load(uint16_t{});
      break;
    case T::INT32:
      *iv = load(int32_t{});
      break;
    case T::UINT32:
      *iv = load(uint32_t{});
      break;
    case T::INT64:
      *iv = load(int64_t{});
      break;
    case T::UINT64:
      *iv = static_cast<int64_t>(load(uint64_t{}));
      break;
    default:
      break;
  }
}

}  // namespace

int64_t Constant::elements() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

Constant ConstantFromProto(const onnx::TensorProto& proto, const std::string& what) {
  using T = onnx::TensorProto;
  if (proto.data_location() == T::EXTERNAL || proto.external_data_size() > 0)
    throw Error(what +
                " keeps its data in an external file, which is not supported: save the "
                "model with its weights inside (onnx.save(model, path, "
                "save_as_external_data=False))");
  if (proto.has_segment()) throw OnnxUnsupported(what + " is segmented, which is not supported");
  TypeInfo info{};
  if (!LookUp(proto.data_type(), &info))
    throw OnnxUnsupported(what + ": element type " + std::to_string(proto.data_type()) +
                          " is not supported (numeric types only)");
  Constant c;
  c.name = proto.name();
  c.is_int = info.is_int;
  int64_t n = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0) throw Error(what + ": negative dimension " + std::to_string(d));
    if (d > 0 && n > kMaxElements / d)
      throw Error(what + ": dimensions too large (more than " + std::to_string(kMaxElements) +
                  " elements)");
    n *= d;
    c.dims.push_back(d);
  }
  const bool raw = proto.has_raw_data();
  int64_t available;
  if (raw) {
    if (proto.raw_data().size() % info.bytes)
      throw Error(what + ": raw_data size " + std::to_string(proto.raw_data().size()) +
                  " is not a multiple of the " + info.name + " size");
    available = static_cast<int64_t>(proto.raw_data().size()) / info.bytes;
  } else {
    switch (proto.data_type()) {
      case T::FLOAT:
        available = proto.float_data_size();
        break;
      case T::DOUBLE:
        available = proto.double_data_size();
        break;
      case T::INT64:
        available = proto.int64_data_size();
        break;
      case T::UINT32:
      case T::UINT64:
        available = proto.uint64_data_size();
        break;
      default:
        available = proto.int32_data_size();
        break;  // the narrower types and float16
    }
  }
  if (available != n)
    throw Error(what + ": holds " + std::to_string(available) + " elements, its dims " + "say " +
                std::to_string(n));
  c.values.resize(n);
  if (c.is_int) c.ints.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    double v = 0;
    int64_t iv = 0;
    if (raw) {
      ReadRaw(proto.raw_data(), proto.data_type(), i, &v, &iv);
    } else {
      switch (proto.data_type()) {
        case T::FLOAT:
          v = proto.float_data(i);
          break;
        case T::DOUBLE:
          v = proto.double_data(i);
          break;
        case T::FLOAT16:
          v = HalfToFloat(static_cast<uint16_t>(proto.int32_data(i)));
          break;
        case T::INT64:
          iv = proto.int64_data(i);
          break;
        case T::UINT32:
        case T::UINT64:
          iv = static_cast<int64_t>(proto.uint64_data(i));
          break;
        default:
          iv = proto.int32_data(i);
          break;
      }
    }
    if (c.is_int) {
      c.ints[i] = iv;
      c.values[i] = static_cast<float>(iv);
    } else {
      c.values[i] = static_cast<float>(v);
    }
  }
  return c;
}

Constant ConstantFromTensor(const Tensor& tensor, const std::string& name) {
  Constant c;
  c.name = name;
  c.dims = tensor.dims;
  c.values = tensor.data;
  c.is_int = true;
  for (float v : tensor.data)
    if (v != std::floor(v) || std::fabs(v) > 9e15f) c.is_int = false;
  if (c.is_int)
    for (float v : tensor.data) c.ints.push_back(static_cast<int64_t>(v));
  return c;
}

}  // namespace incept::onnx_import

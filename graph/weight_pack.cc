// Packing weights for a precision (weight_pack.h).
#include "graph/weight_pack.h"

#include <cstring>

#include "graph/error.h"
#include "graph/float16.h"

namespace incept {
namespace {

// Index in the packed order of element `i` of the OIHW order (identity unless OHWI).
struct Order {
  bool ohwi = false;
  int64_t in = 1, kh = 1, kw = 1;
  int64_t Packed(int64_t i) const {
    if (!ohwi) return i;
    const int64_t x = i % kw, y = (i / kw) % kh, c = (i / (kw * kh)) % in, o = i / (kw * kh * in);
    return ((o * kh + y) * kw + x) * in + c;
  }
};

Order OrderFor(const std::vector<int64_t>& dims, Layout layout) {
  Order order;
  if (layout == Layout::kNHWC && dims.size() == 4) {
    order.ohwi = true;
    order.in = dims[1];
    order.kh = dims[2];
    order.kw = dims[3];
  }
  return order;
}

}  // namespace

std::vector<uint8_t> PackWeights(const Tensor& weights, ElementType type, Layout layout) {
  const int64_t count = weights.elements();
  if (static_cast<int64_t>(weights.data.size()) != count)
    throw Error("PackWeights: tensor " + weights.dims_str() + " holds " +
                std::to_string(weights.data.size()) + " values");
  const Order order = OrderFor(weights.dims, layout);
  const int64_t size = ElementSize(type);
  std::vector<uint8_t> bytes(static_cast<size_t>(count * size));
  for (int64_t i = 0; i < count; ++i) {
    uint8_t* out = &bytes[static_cast<size_t>(order.Packed(i) * size)];
    const float v = weights.data[static_cast<size_t>(i)];
    if (type == ElementType::kF32) {
      std::memcpy(out, &v, 4);
    } else {
      const uint16_t bits = type == ElementType::kF16 ? FloatToHalfBits(v) : FloatToBFloat16Bits(v);
      out[0] = static_cast<uint8_t>(bits & 0xff);
      out[1] = static_cast<uint8_t>(bits >> 8);
    }
  }
  return bytes;
}

Tensor UnpackWeights(const std::vector<uint8_t>& bytes, const std::vector<int64_t>& dims,
                     ElementType type, Layout layout) {
  Tensor t(dims);
  const int64_t size = ElementSize(type);
  if (static_cast<int64_t>(bytes.size()) != t.elements() * size)
    throw Error("UnpackWeights: " + std::to_string(bytes.size()) + " bytes for " + t.dims_str() +
                " in " + ElementTypeName(type));
  const Order order = OrderFor(dims, layout);
  for (int64_t i = 0; i < t.elements(); ++i) {
    const uint8_t* in = &bytes[static_cast<size_t>(order.Packed(i) * size)];
    float v;
    if (type == ElementType::kF32) {
      std::memcpy(&v, in, 4);
    } else {
      const uint16_t bits = static_cast<uint16_t>(in[0] | (in[1] << 8));
      v = type == ElementType::kF16 ? HalfBitsToFloat(bits) : BFloat16BitsToFloat(bits);
    }
    t.data[static_cast<size_t>(i)] = v;
  }
  return t;
}

}  // namespace incept

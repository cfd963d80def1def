#include "host/io/npy.h"

#include <cstring>
#include <limits>
#include <optional>
#include <set>

#include "graph/error.h"
#include "host/io/file_bytes.h"
#include "host/io/float_bits.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "npy '<' data is little-endian; this code assumes a little-endian host");

namespace incept {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicBytes = 6;
constexpr size_t kAlignment = 64;  // numpy aligns the data start to 64 bytes

[[noreturn]] void Fail(const std::string& source, const std::string& what) {
  throw Error(source + ": " + what);
}

// The element types we read, each widened to fp32 by one function of its raw bytes.
// Floats: float16 exactly, float64 rounded to nearest. Integers: to the nearest fp32, exact
// up to 2^24 in magnitude.
struct NpyDtype {
  const char* descr;  // without the byte-order character: "f4", "i8", "u1"...
  const char* name;   // numpy's name
  size_t bytes;
  float (*to_float)(const uint8_t* element);
  const char* conversion;  // how it becomes fp32 ("" for float32)
};

template <typename T>
float Widen(const uint8_t* element) {
  T value;
  std::memcpy(&value, element, sizeof value);
  return static_cast<float>(value);
}

float WidenHalf(const uint8_t* element) {
  uint16_t bits;
  std::memcpy(&bits, element, sizeof bits);
  return HalfBitsToFloat(bits);
}

constexpr char kIntegerConversion[] = "converted to float32 (exact up to 2^24 in magnitude)";

const NpyDtype kDtypes[] = {
    {"f4", "float32", 4, Widen<float>, ""},
    {"f8", "float64", 8, Widen<double>, "rounded to the nearest float32"},
    {"f2", "float16", 2, WidenHalf, "converted to float32 (exactly)"},
    {"i1", "int8", 1, Widen<int8_t>, "converted to float32 (exactly)"},
    {"i2", "int16", 2, Widen<int16_t>, "converted to float32 (exactly)"},
    {"i4", "int32", 4, Widen<int32_t>, kIntegerConversion},
    {"i8", "int64", 8, Widen<int64_t>, kIntegerConversion},
    {"u1", "uint8", 1, Widen<uint8_t>, "converted to float32 (exactly)"},
    {"u2", "uint16", 2, Widen<uint16_t>, "converted to float32 (exactly)"},
    {"u4", "uint32", 4, Widen<uint32_t>, kIntegerConversion},
    {"u8", "uint64", 8, Widen<uint64_t>, kIntegerConversion},
};

// Kinds numpy writes that have no meaning as a network input, and why.
struct RefusedKind {
  char kind;
  const char* why;
};
const RefusedKind kRefusedKinds[] = {
    {'b', "bool arrays are not numeric input"},
    {'c', "complex arrays are not supported"},
    {'O', "object arrays are not supported (they hold Python objects)"},
    {'U', "string arrays are not numeric input"},
    {'S', "string arrays are not numeric input"},
    {'a', "string arrays are not numeric input"},
    {'M', "datetime arrays are not numeric input"},
    {'m', "timedelta arrays are not numeric input"},
    {'V', "void (raw or structured) arrays are not supported"},
};

// The dtype of a descr string ('<f4', '|u1', '=i2'...), or an Error naming it.
const NpyDtype& FindDtype(const std::string& descr, const std::string& source) {
  const char order = descr.empty() ? '\0' : descr[0];
  const bool has_order = order == '<' || order == '>' || order == '|' || order == '=';
  const std::string code = has_order ? descr.substr(1) : descr;
  for (const RefusedKind& refused : kRefusedKinds)
    if (!code.empty() && code[0] == refused.kind)
      Fail(source, "dtype '" + descr + "': " + refused.why + "; save the array as float32");
  for (const NpyDtype& dtype : kDtypes) {
    if (code != dtype.descr) continue;
    if (order == '>' && dtype.bytes > 1)
      Fail(source, "dtype '" + descr + "' is big-endian; save it little-endian ('<" + code +
                       "'), e.g. with arr.astype('<" + code + "')");
    return dtype;
  }
  Fail(source,
       "dtype '" + descr + "' is not supported (float16/32/64, int8..int64 and uint8..uint64 are)");
}

struct NpyHeader {
  const NpyDtype* dtype = nullptr;
  std::vector<int64_t> shape;
};

// A parser of the header's dict literal: string keys; string, bool and int-tuple values.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  NpyHeader Parse() {
    std::optional<std::string> descr;
    std::optional<bool> fortran_order;
    std::optional<std::vector<int64_t>> shape;
    std::set<std::string> seen;
    Expect('{');
    while (!TryConsume('}')) {
      const std::string key = ParseString();
      if (!seen.insert(key).second) Bad("duplicate key '" + key + "'");
      Expect(':');
      if (key == "descr") {
        SkipSpace();
        if (Peek() != '\'' && Peek() != '"')
          Bad("'descr' is not a simple dtype string (structured arrays are not supported)");
        descr = ParseString();
      } else if (key == "fortran_order") {
        fortran_order = ParseBool();
      } else if (key == "shape") {
        shape = ParseTuple();
      } else {
        Bad("unknown key '" + key + "'");
      }
      if (!TryConsume(',')) {
        Expect('}');
        break;
      }
    }
    SkipSpace();
    if (pos_ != text_.size()) Bad("text after the closing '}'");
    if (!descr || !fortran_order || !shape)
      Bad("needs the keys 'descr', 'fortran_order' and 'shape'");
    if (*fortran_order) Fail(source_, "fortran_order True is not supported (save a C-order array)");
    NpyHeader header;
    header.dtype = &FindDtype(*descr, source_);
    header.shape = *shape;
    return header;
  }

 private:
  [[noreturn]] void Bad(const std::string& what) const {
    Fail(source_, "malformed npy header at column " + std::to_string(pos_) + ": " + what);
  }
  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n'))
      ++pos_;
  }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool TryConsume(char c) {
    SkipSpace();
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  void Expect(char c) {
    if (!TryConsume(c)) Bad(std::string("expected '") + c + "'");
  }
  std::string ParseString() {
    SkipSpace();
    const char quote = Peek();
    if (quote != '\'' && quote != '"') Bad("expected a quoted string");
    const size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos) Bad("unterminated string");
    std::string value = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return value;
  }
  bool ParseBool() {
    SkipSpace();
    for (const auto& [word, value] :
         {std::pair<const char*, bool>{"True", true}, {"False", false}}) {
      if (text_.compare(pos_, std::strlen(word), word) == 0) {
        pos_ += std::strlen(word);
        return value;
      }
    }
    Bad("expected True or False");
  }
  int64_t ParseDim() {
    SkipSpace();
    const size_t start = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const int digit = text_[pos_++] - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) Bad("dimension too large");
      value = value * 10 + digit;
    }
    if (pos_ == start) Bad("expected a non-negative integer dimension");
    if (Peek() == 'L') ++pos_;  // Python 2 long suffix
    return value;
  }
  std::vector<int64_t> ParseTuple() {
    std::vector<int64_t> dims;
    Expect('(');
    while (!TryConsume(')')) {
      dims.push_back(ParseDim());
      if (!TryConsume(',')) {
        Expect(')');
        break;
      }
    }
    return dims;
  }

  const std::string& text_;
  const std::string& source_;
  size_t pos_ = 0;
};

std::string ShapeTuple(const std::vector<int64_t>& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

Tensor ParseNpy(const uint8_t* data, size_t size, const std::string& source,
                NpyConversion* conversion) {
  if (size < kMagicBytes + 2 || std::memcmp(data, kMagic, kMagicBytes) != 0) {
    Fail(source, "not a .npy file (bad magic; expected \\x93NUMPY)");
  }
  const int major = data[kMagicBytes];
  const size_t length_bytes = major == 1 ? 2 : (major == 2 || major == 3) ? 4 : 0;
  if (length_bytes == 0) Fail(source, "unsupported npy format version " + std::to_string(major));
  const size_t prefix = kMagicBytes + 2 + length_bytes;
  if (size < prefix) Fail(source, "truncated npy header");
  size_t header_bytes = 0;
  for (size_t i = 0; i < length_bytes; ++i)
    header_bytes |= size_t{data[kMagicBytes + 2 + i]} << (8 * i);
  if (header_bytes > size - prefix) {
    Fail(source,
         "header length " + std::to_string(header_bytes) + " exceeds the file (truncated?)");
  }
  const std::string text(reinterpret_cast<const char*>(data + prefix), header_bytes);
  const NpyHeader header = HeaderParser(text, source).Parse();

  const size_t item_bytes = header.dtype->bytes;
  uint64_t elements = 1;
  for (int64_t dim : header.shape) {
    if (dim != 0 &&
        elements > std::numeric_limits<uint64_t>::max() / 8 / static_cast<uint64_t>(dim)) {
      Fail(source, "shape " + ShapeTuple(header.shape) + " is too large");
    }
    elements *= static_cast<uint64_t>(dim);
  }
  const uint64_t needed = elements * item_bytes;
  const uint64_t available = size - prefix - header_bytes;
  if (available != needed) {
    Fail(source, "shape " + ShapeTuple(header.shape) + " x " + header.dtype->name + " needs " +
                     std::to_string(needed) + " data bytes but the file has " +
                     std::to_string(available) + (available < needed ? " (truncated)" : ""));
  }
  Tensor tensor(header.shape);
  const uint8_t* src = data + prefix + header_bytes;
  if (header.dtype->to_float == Widen<float>) {
    if (elements > 0) std::memcpy(tensor.data.data(), src, needed);
  } else {
    for (size_t i = 0; i < elements; ++i)
      tensor.data[i] = header.dtype->to_float(src + i * item_bytes);
  }
  if (conversion) *conversion = {header.dtype->name, header.dtype->conversion};
  return tensor;
}

Tensor LoadNpy(const std::string& path, NpyConversion* conversion) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ParseNpy(bytes.data(), bytes.size(), path, conversion);
}

namespace {

std::vector<uint8_t> Serialize(const Tensor& tensor, const std::string& source) {
  for (int64_t dim : tensor.dims) {
    if (dim < 0) Fail(source, "negative dim in " + tensor.dims_str());
  }
  if (static_cast<int64_t>(tensor.data.size()) != tensor.elements()) {
    Fail(source, "dims " + tensor.dims_str() + " hold " + std::to_string(tensor.elements()) +
                     " elements but data has " + std::to_string(tensor.data.size()));
  }
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + ShapeTuple(tensor.dims) + ", }";
  // The header (with its padding and '\n') must end on a multiple of kAlignment.
  const auto padded_header_bytes = [&](size_t prefix) {
    return (prefix + header.size() + 1 + kAlignment - 1) / kAlignment * kAlignment - prefix;
  };
  const bool version1 = padded_header_bytes(kMagicBytes + 2 + 2) <= 65535;
  const size_t length_bytes = version1 ? 2 : 4;
  const size_t prefix = kMagicBytes + 2 + length_bytes;
  header.append(padded_header_bytes(prefix) - header.size() - 1, ' ');
  header += '\n';

  std::vector<uint8_t> file(prefix + header.size() + tensor.data.size() * sizeof(float));
  std::memcpy(file.data(), kMagic, kMagicBytes);
  file[kMagicBytes] = version1 ? 1 : 2;  // major
  file[kMagicBytes + 1] = 0;             // minor
  for (size_t i = 0; i < length_bytes; ++i) {
    file[kMagicBytes + 2 + i] = static_cast<uint8_t>(header.size() >> (8 * i));
  }
  std::memcpy(file.data() + prefix, header.data(), header.size());
  if (!tensor.data.empty()) {
    std::memcpy(file.data() + prefix + header.size(), tensor.data.data(),
                tensor.data.size() * sizeof(float));
  }
  return file;
}

}  // namespace

std::vector<uint8_t> SerializeNpy(const Tensor& tensor) {
  return Serialize(tensor, "SerializeNpy");
}

void SaveNpy(const std::string& path, const Tensor& tensor) {
  const std::vector<uint8_t> file = Serialize(tensor, path);
  WriteFileBytes(path, file.data(), file.size());
}

}  // namespace incept

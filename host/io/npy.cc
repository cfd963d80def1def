#include "host/io/npy.h"

#include <cstring>
#include <limits>
#include <optional>
#include <set>

#include "graph/error.h"
#include "host/io/file_bytes.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "npy '<f4' data is little-endian; this code assumes a little-endian host");

namespace incept {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicBytes = 6;
constexpr size_t kAlignment = 64;  // numpy aligns the data start to 64 bytes

enum class NpyDtype { kFloat32, kFloat64 };

struct NpyHeader {
  NpyDtype dtype = NpyDtype::kFloat32;
  std::vector<int64_t> shape;
};

[[noreturn]] void Fail(const std::string& source, const std::string& what) {
  throw Error(source + ": " + what);
}

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
    if (*descr == "<f4") {
      header.dtype = NpyDtype::kFloat32;
    } else if (*descr == "<f8") {
      header.dtype = NpyDtype::kFloat64;
    } else {
      Fail(source_,
           "dtype '" + *descr + "' is not supported (float32 '<f4' or float64 '<f8' only)");
    }
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

Tensor ParseNpy(const uint8_t* data, size_t size, const std::string& source) {
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

  const size_t item_bytes = header.dtype == NpyDtype::kFloat32 ? 4 : 8;
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
    Fail(source, "shape " + ShapeTuple(header.shape) + " x " +
                     (header.dtype == NpyDtype::kFloat32 ? "'<f4'" : "'<f8'") + " needs " +
                     std::to_string(needed) + " data bytes but the file has " +
                     std::to_string(available) + (available < needed ? " (truncated)" : ""));
  }
  Tensor tensor(header.shape);
  const uint8_t* src = data + prefix + header_bytes;
  if (header.dtype == NpyDtype::kFloat32) {
    if (elements > 0) std::memcpy(tensor.data.data(), src, needed);
  } else {
    for (size_t i = 0; i < elements; ++i) {
      double value;
      std::memcpy(&value, src + i * sizeof(double), sizeof(double));
      tensor.data[i] = static_cast<float>(value);
    }
  }
  return tensor;
}

Tensor LoadNpy(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ParseNpy(bytes.data(), bytes.size(), path);
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

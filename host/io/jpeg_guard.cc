#include "host/io/jpeg_guard.h"

#include "graph/error.h"

namespace incept {
namespace {

constexpr uint8_t kMarkerPrefix = 0xFF;
constexpr uint8_t kStartOfImage = 0xD8;
constexpr uint8_t kEndOfImage = 0xD9;
constexpr uint8_t kDefineHuffmanTable = 0xC4;
constexpr uint8_t kStuffedZero = 0x00;
constexpr uint8_t kTem = 0x01;
constexpr uint8_t kRestartFirst = 0xD0, kRestartLast = 0xD7;
constexpr size_t kCodeCounts = 16;
constexpr size_t kMaxCodes = 256;

// The tables of one DHT payload: each is a class/id byte, 16 counts, then the symbols.
void CheckDhtPayload(const uint8_t* payload, size_t size, const std::string& source) {
  size_t pos = 0;
  while (pos < size) {
    if (size - pos < 1 + kCodeCounts) {
      throw Error(source + ": corrupt JPEG: truncated Huffman table (DHT segment)");
    }
    size_t codes = 0;
    for (size_t i = 0; i < kCodeCounts; ++i) codes += payload[pos + 1 + i];
    if (codes > kMaxCodes) {
      throw Error(source + ": corrupt JPEG: Huffman table holds " + std::to_string(codes) +
                  " codes (at most 256)");
    }
    pos += 1 + kCodeCounts + codes;
  }
}

}  // namespace

void CheckJpegHuffmanTables(const uint8_t* data, size_t size, const std::string& source) {
  // stb reads the first marker as 0xFF, any further 0xFF fill bytes, then the marker code.
  if (size < 2 || data[0] != kMarkerPrefix) return;
  size_t pos = 1;
  while (pos < size && data[pos] == kMarkerPrefix) ++pos;
  if (pos == size || data[pos] != kStartOfImage) return;
  ++pos;
  while (pos + 1 < size) {
    if (data[pos] != kMarkerPrefix) {  // entropy-coded data (or garbage stb will refuse)
      ++pos;
      continue;
    }
    const uint8_t marker = data[pos + 1];
    if (marker == kMarkerPrefix) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == kStuffedZero || marker == kTem ||
        (marker >= kRestartFirst && marker <= kRestartLast) || marker == kStartOfImage) {
      pos += 2;  // markers without a length field
      continue;
    }
    if (marker == kEndOfImage) return;
    if (pos + 4 > size) return;  // truncated: stb reports it
    const size_t length = (size_t{data[pos + 2]} << 8) | data[pos + 3];  // includes itself
    if (length < 2) return;                                              // stb refuses it
    if (marker == kDefineHuffmanTable) {
      if (pos + 2 + length > size) {
        throw Error(source + ": corrupt JPEG: truncated Huffman table (DHT segment)");
      }
      CheckDhtPayload(data + pos + 4, length - 2, source);
    }
    pos += 2 + length;
  }
}

}  // namespace incept

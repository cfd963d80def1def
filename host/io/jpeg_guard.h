// Checks on a JPEG's Huffman tables before stb_image decodes it.
//
// stb_image 2.27 (Debian's libstb-dev) builds each Huffman table from the 16 code counts of
// a DHT segment without checking that they total at most 256, and writes past its table
// when they do (fixed upstream in 2.28). Walking the JPEG's segments (skipping
// entropy-coded data, where 0xFF is followed by 0x00 or a restart marker) and refusing such
// a table keeps a corrupt or hostile file from corrupting memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace incept {

// Does nothing unless `data` starts with a JPEG start-of-image marker (after 0xFF fill
// bytes, which stb skips). Throws Error
// naming `source` when a DHT segment is truncated or a table holds more than 256 codes.
void CheckJpegHuffmanTables(const uint8_t* data, size_t size, const std::string& source);

}  // namespace incept

// NumPy .npy files of one fp32 array (any rank, C order), for test inputs and outputs.
//
// Format: "\x93NUMPY", version major.minor, the header length (u16 LE for 1.x, u32 LE for
// 2.x and 3.x), a Python dict literal header
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and ended by '\n', then the raw little-endian data.
//
// Loading reads float32 as it is and converts to float32: float64 (rounded to nearest),
// float16 (exactly), int8..int64 and uint8..uint64 (exact up to 2^24 in magnitude), all
// little-endian ('<', '|' or '=' byte order); it says which conversion it made
// (NpyConversion) so that a caller can tell the user. Bool, complex, object, string,
// datetime and structured arrays, big-endian data, fortran_order True, a bad magic, a
// malformed header, and data shorter or longer than the shape needs raise Error naming the
// file. Saving writes float32, version 1.0 (2.0 if the header needs more than 65535 bytes)
// with the data 64-byte aligned, as numpy does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace incept {

// What a load found: the file's dtype as numpy names it ("float64") and how its values
// became float32 ("" for float32 itself, else e.g. "rounded to the nearest float32").
struct NpyConversion {
  std::string dtype;
  std::string conversion;
};

Tensor ParseNpy(const uint8_t* data, size_t size, const std::string& source,
                NpyConversion* conversion = nullptr);
Tensor LoadNpy(const std::string& path, NpyConversion* conversion = nullptr);

std::vector<uint8_t> SerializeNpy(const Tensor& tensor);
void SaveNpy(const std::string& path, const Tensor& tensor);

}  // namespace incept

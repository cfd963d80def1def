// NumPy .npy files of one fp32 array (any rank, C order), for test inputs and outputs.
//
// Format: "\x93NUMPY", version major.minor, the header length (u16 LE for 1.x, u32 LE for
// 2.x and 3.x), a Python dict literal header
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and ended by '\n', then the raw little-endian data.
//
// Loading accepts descr '<f4' (float32) and '<f8' (float64, rounded to nearest fp32);
// every other dtype, fortran_order True, a bad magic, a malformed header, and data shorter
// or longer than the shape needs raise Error naming the file. Saving writes version 1.0
// (2.0 if the header needs more than 65535 bytes) with the data 64-byte aligned, as numpy
// does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace incept {

Tensor ParseNpy(const uint8_t* data, size_t size, const std::string& source);
Tensor LoadNpy(const std::string& path);

std::vector<uint8_t> SerializeNpy(const Tensor& tensor);
void SaveNpy(const std::string& path, const Tensor& tensor);

}  // namespace incept

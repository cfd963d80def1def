// Whole-file reads and writes for the weight and input loaders. Errors name the path and
// the OS reason (strerror), e.g. `w.safetensors: cannot open: No such file or directory`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace incept {

std::vector<uint8_t> ReadFileBytes(const std::string& path);
void WriteFileBytes(const std::string& path, const void* data, size_t size);

}  // namespace incept

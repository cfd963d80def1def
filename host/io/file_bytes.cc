#include "host/io/file_bytes.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "graph/error.h"

namespace incept {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

std::string Reason() { return std::strerror(errno); }

}  // namespace

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": cannot read: is a directory");
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) throw Error(path + ": cannot open: " + Reason());
  if (std::fseek(file.get(), 0, SEEK_END) != 0) throw Error(path + ": cannot seek: " + Reason());
  const long size = std::ftell(file.get());
  if (size < 0) throw Error(path + ": cannot tell its size (not a regular file?): " + Reason());
  std::rewind(file.get());
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size > 0 && std::fread(bytes.data(), 1, bytes.size(), file.get()) != bytes.size()) {
    throw Error(path + ": read failed after " + std::to_string(std::ftell(file.get())) + " of " +
                std::to_string(size) + " bytes");
  }
  return bytes;
}

void WriteFileBytes(const std::string& path, const void* data, size_t size) {
  File file(std::fopen(path.c_str(), "wb"));
  if (!file) throw Error(path + ": cannot create: " + Reason());
  if (size > 0 && std::fwrite(data, 1, size, file.get()) != size) {
    throw Error(path + ": write failed: " + Reason());
  }
  if (std::fclose(file.release()) != 0) throw Error(path + ": write failed: " + Reason());
}

}  // namespace incept

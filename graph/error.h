// incept::Error: the one exception type the library throws. The library never aborts or
// exits; callers (the CLI, an embedding service) catch Error and report what() in one line.
#pragma once

#include <stdexcept>
#include <string>

namespace incept {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace incept

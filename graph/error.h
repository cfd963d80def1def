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

namespace incept {

// An error located at one node; what() reads `node "name" (Op): detail`.
class NodeError : public Error {
 public:
  NodeError(const std::string& node, const std::string& op, const std::string& detail)
      : Error("node \"" + node + "\" (" + op + "): " + detail),
        node_(node),
        op_(op),
        detail_(detail) {}
  const std::string& node() const { return node_; }
  const std::string& op() const { return op_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string node_, op_, detail_;
};

}  // namespace incept

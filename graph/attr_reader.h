// AttrReader: typed access to a node's JSON "attrs" object that remembers which keys were
// read, so unknown attributes are reported instead of silently ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "graph/op.h"

namespace incept {

class AttrReader {
 public:
  explicit AttrReader(const nlohmann::json& attrs);  // attrs: an object (or null = empty)

  int Int(const char* key);  // required
  int Int(const char* key, int fallback);
  float Float(const char* key);
  float Float(const char* key, float fallback);
  bool Bool(const char* key, bool fallback);
  std::vector<int> Ints(const char* key);  // required list
  std::vector<float> Floats(const char* key);
  bool Has(const char* key) const;

  // A sliding window: "kernel" [h, w] (required), "stride" [h, w] (default 1),
  // "pad" [top, left, bottom, right] or [h, w] (default 0).
  Window2d Window();
  Activation ActivationAttr();  // "activation": "none" | "relu" (default none)

  // Throws Error naming the first key that no accessor read.
  void CheckAllRead() const;

 private:
  const nlohmann::json& Get(const char* key);
  nlohmann::json attrs_;  // a copy: small, and safe against temporaries
  std::set<std::string> read_;
};

// The writers' side of Window() and ActivationAttr().
void WriteWindow(const Window2d& window, nlohmann::json& out);
const char* ActivationName(Activation activation);

}  // namespace incept

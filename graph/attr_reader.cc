#include "graph/attr_reader.h"

#include <cmath>
#include <limits>

#include "graph/error.h"

namespace incept {
namespace {

const nlohmann::json& EmptyObject() {
  static const nlohmann::json empty = nlohmann::json::object();
  return empty;
}

std::string Where(const char* key) { return std::string("attrs.") + key; }

int ToInt(const nlohmann::json& v, const std::string& where) {
  if (!v.is_number_integer())
    throw Error(where + ": expected an integer, got " + std::string(v.type_name()) + " " +
                v.dump());
  int64_t x = v.get<int64_t>();
  if (x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max())
    throw Error(where + ": integer " + v.dump() + " out of range");
  return static_cast<int>(x);
}

float ToFloat(const nlohmann::json& v, const std::string& where) {
  if (!v.is_number()) throw Error(where + ": expected a number, got " + v.dump());
  double x = v.get<double>();
  if (!std::isfinite(x)) throw Error(where + ": not a finite number");
  return static_cast<float>(x);
}

}  // namespace

AttrReader::AttrReader(const nlohmann::json& attrs)
    : attrs_(attrs.is_null() ? EmptyObject() : attrs) {
  if (!attrs_.is_object()) throw Error("attrs: expected an object, got " + attrs.dump());
}

bool AttrReader::Has(const char* key) const { return attrs_.contains(key); }

const nlohmann::json& AttrReader::Get(const char* key) {
  auto it = attrs_.find(key);
  if (it == attrs_.end()) throw Error(Where(key) + ": missing attribute \"" + key + "\"");
  read_.insert(key);
  return *it;
}

int AttrReader::Int(const char* key) { return ToInt(Get(key), Where(key)); }
int AttrReader::Int(const char* key, int fallback) { return Has(key) ? Int(key) : fallback; }
float AttrReader::Float(const char* key) { return ToFloat(Get(key), Where(key)); }
float AttrReader::Float(const char* key, float fallback) {
  return Has(key) ? Float(key) : fallback;
}

bool AttrReader::Bool(const char* key, bool fallback) {
  if (!Has(key)) return fallback;
  const nlohmann::json& v = Get(key);
  if (!v.is_boolean()) throw Error(Where(key) + ": expected true or false, got " + v.dump());
  return v.get<bool>();
}

std::vector<int> AttrReader::Ints(const char* key) {
  const nlohmann::json& v = Get(key);
  if (v.is_number_integer()) return {ToInt(v, Where(key))};
  if (!v.is_array()) throw Error(Where(key) + ": expected a list of integers, got " + v.dump());
  std::vector<int> out;
  for (size_t i = 0; i < v.size(); ++i)
    out.push_back(ToInt(v[i], Where(key) + "[" + std::to_string(i) + "]"));
  return out;
}

std::vector<float> AttrReader::Floats(const char* key) {
  const nlohmann::json& v = Get(key);
  if (!v.is_array()) throw Error(Where(key) + ": expected a list of numbers, got " + v.dump());
  std::vector<float> out;
  for (size_t i = 0; i < v.size(); ++i)
    out.push_back(ToFloat(v[i], Where(key) + "[" + std::to_string(i) + "]"));
  return out;
}

Window2d AttrReader::Window() {
  Window2d w;
  auto pair = [&](const char* key, int fallback, int& a, int& b) {
    std::vector<int> v = Has(key) ? Ints(key) : std::vector<int>{fallback};
    if (v.size() == 1) v.push_back(v[0]);
    if (v.size() != 2) throw Error(Where(key) + ": expected [h, w]");
    a = v[0];
    b = v[1];
  };
  pair("kernel", 0, w.kernel_h, w.kernel_w);
  if (!Has("kernel")) Get("kernel");  // reports the missing attribute
  pair("stride", 1, w.stride_h, w.stride_w);
  std::vector<int> pad = Has("pad") ? Ints("pad") : std::vector<int>{0};
  if (pad.size() == 1) pad = {pad[0], pad[0], pad[0], pad[0]};
  if (pad.size() == 2) pad = {pad[0], pad[1], pad[0], pad[1]};
  if (pad.size() != 4) throw Error("attrs.pad: expected [top, left, bottom, right] or [h, w]");
  w.pad_top = pad[0];
  w.pad_left = pad[1];
  w.pad_bottom = pad[2];
  w.pad_right = pad[3];
  if (w.kernel_h < 1 || w.kernel_w < 1)
    throw Error("attrs.kernel: sizes must be >= 1, got [" + std::to_string(w.kernel_h) + ", " +
                std::to_string(w.kernel_w) + "]");
  if (w.stride_h < 1 || w.stride_w < 1) throw Error("attrs.stride: strides must be >= 1");
  if (w.pad_top < 0 || w.pad_left < 0 || w.pad_bottom < 0 || w.pad_right < 0)
    throw Error("attrs.pad: padding must be >= 0");
  return w;
}

Activation AttrReader::ActivationAttr() {
  if (!Has("activation")) return Activation::kNone;
  const nlohmann::json& v = Get("activation");
  if (v == "none") return Activation::kNone;
  if (v == "relu") return Activation::kReLU;
  throw Error("attrs.activation: expected \"none\" or \"relu\", got " + v.dump());
}

void AttrReader::CheckAllRead() const {
  for (auto it = attrs_.begin(); it != attrs_.end(); ++it)
    if (!read_.count(it.key()))
      throw Error(Where(it.key().c_str()) + ": unknown attribute \"" + it.key() + "\"");
}

void WriteWindow(const Window2d& w, nlohmann::json& out) {
  out["kernel"] = {w.kernel_h, w.kernel_w};
  out["stride"] = {w.stride_h, w.stride_w};
  out["pad"] = {w.pad_top, w.pad_left, w.pad_bottom, w.pad_right};
}

const char* ActivationName(Activation activation) {
  return activation == Activation::kReLU ? "relu" : "none";
}

}  // namespace incept

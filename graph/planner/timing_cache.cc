#include "graph/planner/timing_cache.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "graph/error.h"
#include "graph/op_registry.h"
#include "graph/planner/views.h"

namespace incept {
namespace {

using json = nlohmann::json;

constexpr char kFormat[] = "incept-timing-cache";
constexpr int kVersion = 1;

// Elements between images of node v's value: its root buffer's C*H*W (a concat slice or
// channel view lives inside a wider image), or its own for an alias.
int64_t BatchStride(const Graph& graph, const GraphViews& views, int v) {
  int root = v;
  if (views.kind[v] != ValueKind::kAlias)
    while (views.kind[root] != ValueKind::kBuffer && views.base[root] >= 0) root = views.base[root];
  const Shape& s = graph.nodes[root].shape;
  return s.c * s.h * s.w;
}

std::string ShapeWithStride(const Graph& graph, const GraphViews& views, int v) {
  return graph.nodes[v].shape.str() + " bs" + std::to_string(BatchStride(graph, views, v));
}

json DeviceJson(const DeviceKey& d) {
  return {{"backend", d.backend}, {"device", d.device}, {"sm", d.sm},        {"driver", d.driver},
          {"cuda", d.cuda},       {"cudnn", d.cudnn},   {"cublas", d.cublas}};
}

}  // namespace

std::string LayerSignature(const Graph& graph, int node, const std::string& element_type,
                           const std::string& layout) {
  const GraphViews views = AnalyzeViews(graph);
  const Node& n = graph.nodes.at(node);
  json attrs = json::object();
  GetOpInfo(n.op).write_attrs(n.attrs, attrs);
  std::string out = std::string(OpName(n.op)) + " " + attrs.dump() + " in [";
  for (size_t i = 0; i < views.inputs[node].size(); ++i)
    out += (i ? ", " : "") + ShapeWithStride(graph, views, views.inputs[node][i]);
  out += "] out [" + ShapeWithStride(graph, views, node) + "] " + element_type + " " + layout;
  return out;
}

TimingCache::TimingCache(const TimingCache& other) {
  std::lock_guard<std::mutex> lock(other.mutex_);
  entries_ = other.entries_;
}

TimingCache& TimingCache::operator=(const TimingCache& other) {
  if (this == &other) return *this;
  std::scoped_lock lock(mutex_, other.mutex_);
  entries_ = other.entries_;
  return *this;
}

std::optional<std::vector<TacticCandidate>> TimingCache::Find(const DeviceKey& device,
                                                              const std::string& signature) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto d = entries_.find(DeviceKeyString(device));
  if (d == entries_.end() || d->second.first != device) return std::nullopt;
  auto l = d->second.second.find(signature);
  if (l == d->second.second.end()) return std::nullopt;
  return l->second;
}

void TimingCache::Insert(const DeviceKey& device, const std::string& signature,
                         std::vector<TacticCandidate> candidates) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& entry = entries_[DeviceKeyString(device)];
  entry.first = device;
  entry.second[signature] = std::move(candidates);
}

size_t TimingCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t n = 0;
  for (const auto& [key, entry] : entries_) n += entry.second.size();
  return n;
}

std::string TimingCache::ToJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  json devices = json::array();
  for (const auto& [key, entry] : entries_) {
    json layers = json::object();
    for (const auto& [signature, candidates] : entry.second) {
      json list = json::array();
      for (const TacticCandidate& c : candidates)
        list.push_back({c.name, c.median_us, c.spread, c.samples});
      layers[signature] = list;
    }
    devices.push_back({{"device", DeviceJson(entry.first)}, {"layers", layers}});
  }
  return json{{"format", kFormat}, {"version", kVersion}, {"devices", devices}}.dump(1);
}

TimingCache TimingCache::FromJson(const std::string& text, const std::string& source) {
  auto fail = [&](const std::string& what) {
    return Error(source + ": " + what + " (a corrupted timing cache: delete it to start afresh)");
  };
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw fail("not valid JSON");
  if (!doc.is_object() || doc.value("format", "") != kFormat)
    throw fail("not an incept timing cache (\"format\" is not \"incept-timing-cache\")");
  if (!doc.contains("version") || doc["version"] != kVersion)
    throw fail("timing cache version " + (doc.contains("version") ? doc["version"].dump() : "?") +
               " is not " + std::to_string(kVersion));
  if (!doc.contains("devices") || !doc["devices"].is_array())
    throw fail("\"devices\" is not an array");
  TimingCache cache;
  for (size_t i = 0; i < doc["devices"].size(); ++i) {
    const json& d = doc["devices"][i];
    const std::string at = "devices[" + std::to_string(i) + "]";
    if (!d.is_object() || !d.contains("device") || !d["device"].is_object() ||
        !d.contains("layers") || !d["layers"].is_object())
      throw fail(at + ": expected {\"device\": {...}, \"layers\": {...}}");
    DeviceKey key;
    std::string* fields[] = {&key.backend, &key.device, &key.sm,    &key.driver,
                             &key.cuda,    &key.cudnn,  &key.cublas};
    const char* names[] = {"backend", "device", "sm", "driver", "cuda", "cudnn", "cublas"};
    for (int f = 0; f < 7; ++f) {
      auto it = d["device"].find(names[f]);
      if (it == d["device"].end() || !it->is_string())
        throw fail(at + ".device." + names[f] + ": missing or not a string");
      *fields[f] = it->get<std::string>();
    }
    for (const auto& [signature, list] : d["layers"].items()) {
      const std::string where = at + ".layers[\"" + signature.substr(0, 40) + "\"]";
      if (!list.is_array()) throw fail(where + ": expected an array of candidates");
      std::vector<TacticCandidate> candidates;
      for (const json& c : list) {
        if (!c.is_array() || c.size() != 4 || !c[0].is_string() || !c[1].is_number() ||
            !c[2].is_number() || !c[3].is_number_integer())
          throw fail(where + ": a candidate is not [name, median_us, spread, samples]");
        candidates.push_back(
            {c[0].get<std::string>(), c[1].get<double>(), c[2].get<double>(), c[3].get<int>()});
      }
      cache.Insert(key, signature, std::move(candidates));
    }
  }
  return cache;
}

TimingCache TimingCache::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return TimingCache{};  // no cache yet
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(path + ": cannot read the timing cache");
  return FromJson(text.str(), path);
}

void TimingCache::Save(const std::string& path) const {
  TimingCache merged = Load(path);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, entry] : entries_)
      for (const auto& [signature, candidates] : entry.second)
        merged.Insert(entry.first, signature, candidates);
  }
  const std::string temp = path + ".tmp." + std::to_string(getpid());  // one per process
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out || !(out << merged.ToJson()) || !out.flush())
      throw Error(temp + ": cannot write the timing cache");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw Error(path + ": cannot rename " + temp + " into place");
  }
}

}  // namespace incept

// JSON load/save of graphs. Loading checks the document's structure here, then the
// graph's (names, inputs, cycles, shapes) in InferShapes; every error is prefixed with the
// source and the JSON path of the node.
#include "graph/json_io.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "graph/error.h"
#include "graph/op_registry.h"
#include "graph/shape_inference.h"

namespace incept {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "incept-graph";
constexpr int kVersion = 1;

std::string NodePath(size_t i) { return "nodes[" + std::to_string(i) + "]"; }

const json& Require(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) throw Error(where + ": missing \"" + key + "\"");
  return *it;
}

std::string RequireString(const json& object, const char* key, const std::string& where) {
  const json& v = Require(object, key, where);
  if (!v.is_string()) throw Error(where + "." + key + ": expected a string, got " + v.dump());
  return v.get<std::string>();
}

std::vector<std::string> StringList(const json& object, const char* key, const std::string& where) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end()) return out;
  if (!it->is_array()) throw Error(where + "." + key + ": expected a list of names");
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    if (!v.is_string())
      throw Error(where + "." + key + "[" + std::to_string(i) + "]: expected a name, got " +
                  v.dump());
    out.push_back(v.get<std::string>());
  }
  return out;
}

Node ParseNode(const json& j, const std::string& where) {
  if (!j.is_object()) throw Error(where + ": expected an object");
  static const std::set<std::string> kKeys = {"name",   "op",           "inputs", "attrs",
                                              "params", "output_slice", "elided"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!kKeys.count(it.key())) throw Error(where + ": unknown key \"" + it.key() + "\"");
  Node node;
  node.name = RequireString(j, "name", where);
  std::string op = RequireString(j, "op", where);
  const std::string named = where + " \"" + node.name + "\"";
  const OpInfo* info = FindOpInfo(op);
  if (!info) {
    std::string known;
    for (const OpInfo& o : AllOps()) known += std::string(known.empty() ? "" : ", ") + o.name;
    throw Error(named + ": unknown op \"" + op + "\" (known: " + known + ")");
  }
  node.op = info->kind;
  node.inputs = StringList(j, "inputs", named);
  try {
    AttrReader reader(j.contains("attrs") ? j["attrs"] : json());
    node.attrs = info->parse_attrs(reader);
    reader.CheckAllRead();
  } catch (const Error& e) {
    throw Error(named + " (" + op + "): " + e.what());
  }
  if (j.contains("params")) {
    const json& params = j["params"];
    if (!params.is_object()) throw Error(named + ".params: expected an object of role: tensor");
    for (auto it = params.begin(); it != params.end(); ++it) {
      if (!it->is_string())
        throw Error(named + ".params." + it.key() + ": expected a tensor name, got " + it->dump());
      node.params[it.key()] = it->get<std::string>();
    }
  }
  if (j.contains("output_slice")) {
    const json& s = j["output_slice"];
    const std::string w = named + ".output_slice";
    if (!s.is_object()) throw Error(w + ": expected an object");
    ConcatSlice slice;
    slice.concat = RequireString(s, "concat", w);
    const json& off = Require(s, "channel_offset", w);
    if (!off.is_number_integer() || off.get<int64_t>() < 0)
      throw Error(w + ".channel_offset: expected a non-negative integer");
    slice.channel_offset = off.get<int64_t>();
    node.output_slice = slice;
  }
  if (j.contains("elided")) {
    if (!j["elided"].is_boolean()) throw Error(named + ".elided: expected true or false");
    node.elided = j["elided"].get<bool>();
  }
  return node;
}

}  // namespace

Graph GraphFromJson(const std::string& text, const std::string& source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // parse errors, and numbers overflowing a double
    throw Error(source + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  try {
    if (!doc.is_object()) throw Error("expected a JSON object at the top level");
    if (!doc.contains("format") || doc["format"] != kFormat)
      throw Error("not an incept graph (expected \"format\": \"" + std::string(kFormat) + "\")");
    const json& version = Require(doc, "version", "document");
    if (version != kVersion)
      throw Error("format version " + version.dump() + " is not supported (this build reads " +
                  std::to_string(kVersion) + ")");
    static const std::set<std::string> kKeys = {"format", "version", "name",
                                                "nodes",  "outputs", "aux_outputs"};
    for (auto it = doc.begin(); it != doc.end(); ++it)
      if (!kKeys.count(it.key())) throw Error("unknown top-level key \"" + it.key() + "\"");
    Graph graph;
    if (doc.contains("name")) graph.name = RequireString(doc, "name", "document");
    const json& nodes = Require(doc, "nodes", "document");
    if (!nodes.is_array()) throw Error("nodes: expected a list");
    for (size_t i = 0; i < nodes.size(); ++i)
      graph.nodes.push_back(ParseNode(nodes[i], NodePath(i)));
    graph.outputs = StringList(doc, "outputs", "document");
    graph.aux_outputs = StringList(doc, "aux_outputs", "document");
    std::vector<std::string> order;
    for (const Node& node : graph.nodes) order.push_back(node.name);
    try {
      InferShapes(graph);
    } catch (const NodeError& e) {
      for (size_t i = 0; i < order.size(); ++i)
        if (order[i] == e.node())
          throw Error(NodePath(i) + " \"" + e.node() + "\" (" + e.op() + "): " + e.detail());
      throw;
    }
    return graph;
  } catch (const Error& e) {
    throw Error(source + ": " + e.what());
  }
}

Graph LoadGraph(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the model file");
  std::stringstream text;
  text << in.rdbuf();
  return GraphFromJson(text.str(), path);
}

std::string GraphToJson(const Graph& graph) {
  json doc;
  doc["format"] = kFormat;
  doc["version"] = kVersion;
  doc["name"] = graph.name;
  json nodes = json::array();
  for (const Node& node : graph.nodes) {
    json j;
    j["name"] = node.name;
    j["op"] = OpName(node.op);
    if (node.op != OpKind::kInput) j["inputs"] = node.inputs;
    json attrs = json::object();
    GetOpInfo(node.op).write_attrs(node.attrs, attrs);
    if (!attrs.empty()) j["attrs"] = attrs;
    if (!node.params.empty()) j["params"] = node.params;
    if (node.output_slice)
      j["output_slice"] = {{"concat", node.output_slice->concat},
                           {"channel_offset", node.output_slice->channel_offset}};
    if (node.elided) j["elided"] = true;
    nodes.push_back(j);
  }
  doc["nodes"] = nodes;
  doc["outputs"] = graph.outputs;
  if (!graph.aux_outputs.empty()) doc["aux_outputs"] = graph.aux_outputs;
  // One node per line: readable, diff-friendly and still valid JSON.
  std::string out = "{\n";
  out += "  \"format\": " + doc["format"].dump() + ",\n";
  out += "  \"version\": " + doc["version"].dump() + ",\n";
  out += "  \"name\": " + doc["name"].dump() + ",\n";
  out += "  \"nodes\": [\n";
  for (size_t i = 0; i < nodes.size(); ++i)
    out += "    " + nodes[i].dump() + (i + 1 < nodes.size() ? ",\n" : "\n");
  out += "  ],\n";
  out += "  \"outputs\": " + doc["outputs"].dump();
  if (doc.contains("aux_outputs")) out += ",\n  \"aux_outputs\": " + doc["aux_outputs"].dump();
  out += "\n}\n";
  return out;
}

void SaveGraph(const Graph& graph, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(path + ": cannot write");
  out << GraphToJson(graph);
  if (!out) throw Error(path + ": write failed");
}

}  // namespace incept

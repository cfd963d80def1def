// Reading and completing a Triton model configuration for the incept backend
// (model_config.h).
#include "serving/triton/model_config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace incept::triton {
namespace {

using nlohmann::json;

// Triton's JSON form of the protobuf writes int64 as numbers or as strings.
int64_t Int(const json& value, const std::string& where) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    size_t used = 0;
    try {
      int64_t v = std::stoll(s, &used);
      if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
  }
  throw std::runtime_error(where + ": expected an integer, got " + value.dump());
}

std::string Parameter(const json& config, const std::string& key) {
  auto params = config.find("parameters");
  if (params == config.end() || !params->is_object()) return "";
  auto p = params->find(key);
  if (p == params->end()) return "";
  auto v = p->find("string_value");
  if (v == p->end() || !v->is_string())
    throw std::runtime_error("parameters." + key + ": expected a string_value");
  return v->get<std::string>();
}

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

// `path` as given if absolute, else under the version directory if it is there, else under
// the model directory.
std::string Resolve(const std::string& path, const std::string& model_dir,
                    const std::string& version_dir) {
  if (path.empty() || path[0] == '/') return path;
  if (Exists(version_dir + "/" + path)) return version_dir + "/" + path;
  return model_dir + "/" + path;
}

std::vector<TensorSpec> Specs(const json& config, const char* field) {
  std::vector<TensorSpec> specs;
  auto list = config.find(field);
  if (list == config.end()) return specs;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& t = (*list)[i];
    const std::string where = std::string(field) + "[" + std::to_string(i) + "]";
    TensorSpec spec;
    spec.name = t.value("name", "");
    std::string type = t.value("data_type", "TYPE_FP32");
    if (type != "TYPE_FP32")
      throw std::runtime_error(where + " \"" + spec.name + "\": data_type " + type +
                               " (incept takes and gives TYPE_FP32)");
    if (t.contains("dims"))
      for (const json& d : t["dims"]) spec.dims.push_back(Int(d, where + ".dims"));
    specs.push_back(spec);
  }
  return specs;
}

std::string DimsString(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// Configured dims match the model's where equal, or -1 (any) for a spatial dimension of
// an input.
void CheckSpec(const TensorSpec& configured, const TensorSpec& model, const char* kind,
               bool spatial_wildcards) {
  bool ok = configured.dims.size() == model.dims.size();
  for (size_t i = 0; ok && i < model.dims.size(); ++i)
    ok = configured.dims[i] == model.dims[i] ||
         (spatial_wildcards && i >= 1 && configured.dims[i] == -1);
  if (!ok)
    throw std::runtime_error(std::string(kind) + " \"" + model.name + "\": configured dims " +
                             DimsString(configured.dims) + " but the model's are " +
                             DimsString(model.dims) + " (without the batch dimension)");
}

json SpecJson(const TensorSpec& spec) {
  return json{{"name", spec.name}, {"data_type", "TYPE_FP32"}, {"dims", spec.dims}};
}

}  // namespace

ModelSettings ReadModelSettings(const std::string& config_json, const std::string& model_dir,
                                const std::string& version_dir) {
  json config = json::parse(config_json);
  ModelSettings s;
  s.max_batch_size =
      config.contains("max_batch_size") ? Int(config["max_batch_size"], "max_batch_size") : 0;
  if (s.max_batch_size < 1)
    throw std::runtime_error(
        "max_batch_size must be >= 1 (incept batches requests along the "
        "first dimension), got " +
        std::to_string(s.max_batch_size));
  std::string model = Parameter(config, "model");
  if (model.empty()) model = "model.json";
  s.model_path = Resolve(model, model_dir, version_dir);
  s.weights_path = Resolve(Parameter(config, "weights"), model_dir, version_dir);
  if (std::string p = Parameter(config, "precision"); !p.empty()) s.precision = p;
  if (std::string p = Parameter(config, "streams"); !p.empty())
    s.streams = static_cast<int>(Int(json(p), "parameters.streams"));
  if (std::string p = Parameter(config, "seed"); !p.empty())
    s.seed = static_cast<uint64_t>(Int(json(p), "parameters.seed"));
  s.inputs = Specs(config, "input");
  s.outputs = Specs(config, "output");
  return s;
}

std::string CompleteModelConfig(const std::string& config_json, const ModelSettings& settings,
                                const ModelSignature& signature) {
  json config = json::parse(config_json);
  bool changed = false;
  if (settings.inputs.empty()) {
    config["input"] = json::array({SpecJson(signature.input)});
    changed = true;
  } else {
    if (settings.inputs.size() != 1 || settings.inputs[0].name != signature.input.name)
      throw std::runtime_error("the configured inputs must be the model's one input \"" +
                               signature.input.name + "\"");
    CheckSpec(settings.inputs[0], signature.input, "input", true);
  }
  if (settings.outputs.empty()) {
    config["output"] = json::array();
    for (const TensorSpec& o : signature.outputs) config["output"].push_back(SpecJson(o));
    changed = true;
  } else {
    for (const TensorSpec& configured : settings.outputs) {
      const TensorSpec* model = nullptr;
      for (const TensorSpec& o : signature.outputs)
        if (o.name == configured.name) model = &o;
      if (model == nullptr)
        throw std::runtime_error("output \"" + configured.name +
                                 "\" is not an output of the model");
      CheckSpec(configured, *model, "output", false);
    }
  }
  return changed ? config.dump() : "";
}

}  // namespace incept::triton

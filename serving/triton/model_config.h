// The incept backend's reading of a Triton model configuration (config.pbtxt, handed to the
// backend as JSON), independent of Triton's API so that it is testable on its own.
//
//   backend: "incept"
//   max_batch_size: 8                       (>= 1: requests batch along the first dim)
//   parameters { key: "model"     value { string_value: "googlenet_torchvision.json" } }
//   parameters { key: "weights"   value { string_value: "googlenet.safetensors" } }  optional
//   parameters { key: "precision" value { string_value: "fp32" } }                  optional
//   parameters { key: "streams"   value { string_value: "4" } }                     optional
//   parameters { key: "seed"      value { string_value: "0" } }   random weights' seed
//   input / output                optional: completed from the model when absent, checked
//                                 against it when present (-1 allowed for H and W)
//
// Relative paths are taken from the model's version directory, then the model directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace incept::triton {

struct TensorSpec {
  std::string name;
  std::vector<int64_t> dims;  // without the batch dimension; -1: any size
};

struct ModelSettings {
  int64_t max_batch_size = 0;
  std::string model_path, weights_path;  // weights_path empty: seeded random weights
  std::string precision = "fp32";
  int streams = 4;
  uint64_t seed = 0;
  std::vector<TensorSpec> inputs, outputs;  // as configured (empty: to be completed)
};

// What the engine says about the model: names and per-image dims (no batch dimension).
struct ModelSignature {
  TensorSpec input;
  std::vector<TensorSpec> outputs;
};

// Reads `config_json`; paths resolved against `model_dir` and `version_dir`. Throws
// std::runtime_error naming the field on anything it cannot take.
ModelSettings ReadModelSettings(const std::string& config_json, const std::string& model_dir,
                                const std::string& version_dir);

// Checks the configured inputs and outputs against the model (std::runtime_error naming the
// tensor and both dims), or, where the configuration has none, returns `config_json` with
// them filled in from `signature` (data type TYPE_FP32). Returns "" when nothing changed.
std::string CompleteModelConfig(const std::string& config_json, const ModelSettings& settings,
                                const ModelSignature& signature);

}  // namespace incept::triton

// ONNX's own backend tests (Debian's libonnx-testdata: per case a model.onnx and
// test_data_set_*/{input,output}_*.pb; the node tests and those converted from PyTorch),
// run through our importer and an Engine.
//
// Scope: every case whose nodes all have op types of our importer's table. Per case:
//   - the first graph input is the engine's input; the others (ONNX's node tests pass
//     weights as inputs) are imported as constants with the values of input_i.pb;
//   - skipped, with the reason, when the input is not a float tensor of rank 2 to 4 (the
//     engine takes one NCHW float input), or the importer refuses the file as unsupported
//     (OnnxUnsupported: its message is the reason);
//   - otherwise every data set runs, optimised and as loaded, and every output must match
//     ONNX's backend-test tolerance |ours - expected| <= atol + rtol * |expected| with
//     rtol 1e-3, atol 1e-7; any other import error fails the case.
#pragma once

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "graph/onnx/onnx_import.h"
#include "graph/shape_inference.h"
#include "host/engine.h"
#include "onnx/onnx_pb.h"

namespace incept::testing {

constexpr const char* kOnnxTestDataDir = "/usr/share/libonnx-testdata/data";
constexpr double kOnnxRtol = 1e-3, kOnnxAtol = 1e-7;

enum class CaseStatus { kPassed, kSkipped, kFailed };

struct CaseResult {
  std::string name;
  CaseStatus status = CaseStatus::kFailed;
  std::string detail;  // the skip reason or the failure
};

inline bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

inline std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// True if every node of the case's model is of an op type we convert.
inline bool InScope(const onnx::ModelProto& model) {
  static const std::vector<std::string> ops = OnnxSupportedOps();
  if (model.graph().node_size() == 0) return false;
  for (const onnx::NodeProto& n : model.graph().node())
    if ((!n.domain().empty() && n.domain() != "ai.onnx") ||
        !std::binary_search(ops.begin(), ops.end(), n.op_type()))
      return false;
  return true;
}

// The reason the engine cannot take this input, or "".
inline std::string InputSkipReason(const onnx::ValueInfoProto& input) {
  if (!input.type().has_tensor_type()) return "the input is not a tensor (a sequence or optional)";
  const auto& t = input.type().tensor_type();
  if (t.elem_type() != onnx::TensorProto::FLOAT)
    return "input element type " + onnx::TensorProto_DataType_Name(t.elem_type()) +
           " (the engine runs float32)";
  const int rank = t.shape().dim_size();
  if (rank < 2 || rank > 4)
    return "input of rank " + std::to_string(rank) + " (the engine takes rank 2 to 4, as NCHW)";
  return "";
}

// Compares `ours` with `expected` (ONNX dims); "" if they match. Our values carry rank 4
// (N, C, H, W) or, for a Flatten or Linear result, rank 2 (N, F); a rank-2 or rank-3 ONNX
// value our IR holds as NCHW (OnnxDimsToShape) matches in that form too.
inline std::string CompareOutput(const Tensor& ours, const Tensor& expected) {
  Shape shape;
  try {
    shape = OnnxDimsToShape(expected.dims);
  } catch (const Error& e) {
    return std::string("expected output of unsupported rank: ") + e.what();
  }
  const std::vector<int64_t> want = {shape.n, shape.c, shape.h, shape.w};
  if (ours.dims != want && ours.dims != expected.dims)
    return "shape " + ours.dims_str() + ", expected " + expected.dims_str();
  double worst = 0;
  int64_t worst_at = -1;
  for (size_t i = 0; i < ours.data.size(); ++i) {
    const double o = ours.data[i], e = expected.data[i];
    const double excess = std::fabs(o - e) - (kOnnxAtol + kOnnxRtol * std::fabs(e));
    if (std::isnan(o) != std::isnan(e) || excess > worst) {
      worst = std::isnan(o) != std::isnan(e) ? INFINITY : excess;
      worst_at = static_cast<int64_t>(i);
    }
  }
  if (worst_at < 0) return "";
  return "element " + std::to_string(worst_at) + ": " + std::to_string(ours.data[worst_at]) +
         " vs expected " + std::to_string(expected.data[worst_at]);
}

// Runs one case directory on `backend`. Returns nothing for cases out of scope.
inline std::optional<CaseResult> RunOnnxCase(const std::string& dir, const std::string& name,
                                             const std::string& backend) {
  const std::string model_path = dir + "/model.onnx";
  const std::string bytes = ReadBytes(model_path);
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes) || !InScope(model)) return std::nullopt;
  CaseResult result;
  result.name = name;
  std::vector<const onnx::ValueInfoProto*> inputs;
  std::set<std::string> initializers;
  for (const auto& init : model.graph().initializer()) initializers.insert(init.name());
  for (const auto& in : model.graph().input())
    if (!initializers.count(in.name())) inputs.push_back(&in);
  if (inputs.empty()) {
    result.status = CaseStatus::kSkipped;
    result.detail = "no computed input";
    return result;
  }
  if (std::string reason = InputSkipReason(*inputs[0]); !reason.empty()) {
    result.status = CaseStatus::kSkipped;
    result.detail = reason;
    return result;
  }
  const std::vector<std::string> sets = ListDir(dir);
  int data_sets = 0;
  for (const std::string& set : sets) {
    if (set.rfind("test_data_set_", 0) != 0) continue;
    const std::string set_dir = dir + "/" + set;
    ++data_sets;
    try {
      OnnxImportOptions options;
      for (size_t i = 1; i < inputs.size(); ++i)
        options.constant_inputs[inputs[i]->name()] =
            LoadOnnxTensor(set_dir + "/input_" + std::to_string(i) + ".pb");
      OnnxModel m = ParseOnnx(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                              name + "/model.onnx", options);
      Tensor input = LoadOnnxTensor(set_dir + "/input_0.pb");
      const Shape s = OnnxDimsToShape(input.dims);
      input.dims = {s.n, s.c, s.h, s.w};
      for (bool optimize : {true, false}) {
        EngineOptions eo;
        eo.backend = backend;
        eo.optimize = optimize;
        Engine engine(m.graph, m.weights, eo);
        std::vector<Tensor> outs = engine.Run(input, RunOptions{backend == "host"});
        if (outs.size() != m.graph.outputs.size()) throw Error("wrong output count");
        for (size_t o = 0; o < outs.size(); ++o) {
          const Tensor want = LoadOnnxTensor(set_dir + "/output_" + std::to_string(o) + ".pb");
          if (std::string diff = CompareOutput(outs[o], want); !diff.empty()) {
            result.status = CaseStatus::kFailed;
            result.detail = set + " output " + std::to_string(o) +
                            (optimize ? " (optimised)" : " (as loaded)") + ": " + diff;
            return result;
          }
        }
      }
    } catch (const OnnxUnsupported& e) {
      result.status = CaseStatus::kSkipped;
      std::string why = e.what();
      const std::string prefix = name + "/model.onnx: ";  // the reason without the file
      result.detail = why.rfind(prefix, 0) == 0 ? why.substr(prefix.size()) : why;
      return result;
    } catch (const std::exception& e) {
      result.status = CaseStatus::kFailed;
      result.detail = set + ": " + e.what();
      return result;
    }
  }
  if (data_sets == 0) {
    result.status = CaseStatus::kFailed;
    result.detail = "no test_data_set_*";
    return result;
  }
  result.status = CaseStatus::kPassed;
  return result;
}

// The case folders of libonnx-testdata: ONNX's node tests, and the backend tests
// converted from PyTorch's modules and operators.
inline const std::vector<std::string>& OnnxTestSuites() {
  static const std::vector<std::string> suites = {"node", "pytorch-converted", "pytorch-operator"};
  return suites;
}

// Every case in scope, named "suite/test_x".
inline std::vector<CaseResult> RunOnnxNodeTests(const std::string& backend) {
  std::vector<CaseResult> results;
  for (const std::string& suite : OnnxTestSuites()) {
    const std::string root = std::string(kOnnxTestDataDir) + "/" + suite;
    for (const std::string& name : ListDir(root)) {
      const std::string dir = root + "/" + name;
      if (!IsDirectory(dir)) continue;
      if (auto r = RunOnnxCase(dir, suite + "/" + name, backend)) results.push_back(*r);
    }
  }
  return results;
}

}  // namespace incept::testing

// incept convert MODEL.onnx -o MODEL.json [--weights-out W.safetensors]: an ONNX file as
// our model JSON and a safetensors file of its (folded) weights, which load with
// `incept run MODEL.json --weights W.safetensors` and compute the same function.
#include <cstdio>

#include "graph/json_io.h"
#include "graph/onnx/onnx_import.h"
#include "graph/stats.h"
#include "host/cli/cli_app.h"
#include "host/io/safetensors.h"

namespace incept::cli {

int RunConvert(const Args& args) {
  CLI::App app(
      "Convert an ONNX model to a model JSON and a safetensors weights file. Folded "
      "patterns (Pad into pools and convs, MatMul + Add, transform_input) become single "
      "nodes; see docs/onnx.md.",
      "convert");
  std::string model, json_out, weights_out;
  app.add_option("MODEL", model, "ONNX model file (.onnx)")->required();
  app.add_option("-o,--output", json_out, "model JSON to write")->required();
  app.add_option("--weights-out", weights_out,
                 "safetensors file to write the weights to (default: none)");
  if (int code = Parse(app, args); code >= 0) return code;

  OnnxModel onnx = LoadOnnx(model);
  SaveGraph(onnx.graph, json_out);
  if (!weights_out.empty()) SaveSafetensors(weights_out, onnx.weights);
  const GraphStats stats = ComputeStats(onnx.graph, false);
  std::printf("%s: opset %lld, %zu nodes, %s parameters -> %s%s%s\n", model.c_str(),
              static_cast<long long>(onnx.opset), onnx.graph.nodes.size(),
              WithCommas(stats.parameters).c_str(), json_out.c_str(),
              weights_out.empty() ? "" : ", ", weights_out.c_str());
  if (weights_out.empty())
    std::fprintf(stderr, "note: no --weights-out: the JSON alone runs only with random weights\n");
  return 0;
}

}  // namespace incept::cli

// incept info MODEL [--json] [--with-aux]: a table of nodes (name, op, output shape,
// parameters, multiply-adds) and the totals of the inference graph.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "graph/json_io.h"
#include "graph/op_registry.h"
#include "graph/shape_inference.h"
#include "graph/stats.h"
#include "host/cli/cli_app.h"
#include "host/cli/model_loading.h"

namespace incept::cli {

int RunInfo(const Args& args) {
  CLI::App app(
      "Layers, output shapes, parameters and multiply-adds of a model. Totals cover "
      "the inference graph (aux heads only with --with-aux).",
      "info");
  std::string model;
  bool json_out = false, with_aux = false;
  std::vector<int> input;
  app.add_option("MODEL", model,
                 "model JSON (e.g. model_zoo/googlenet_torchvision.json) or ONNX file")
      ->required();
  app.add_flag("--json", json_out, "print JSON: parameters, macs, nodes");
  app.add_flag("--with-aux", with_aux, "count the training-only aux heads too");
  app.add_option("--input", input, "input shape N C H W (default: the model's)")->expected(4);
  if (int code = Parse(app, args); code >= 0) return code;

  Graph graph = LoadModelGraph(model);
  if (!input.empty()) InferShapes(graph, Shape{input[0], input[1], input[2], input[3]});
  GraphStats stats = ComputeStats(graph, with_aux);

  if (json_out) {
    nlohmann::json j;
    j["model"] = graph.name;
    j["parameters"] = stats.parameters;
    j["macs"] = stats.macs;
    j["with_aux"] = with_aux;
    nlohmann::json nodes = nlohmann::json::array();
    for (const NodeStats& n : stats.nodes) {
      if (n.aux && !with_aux) continue;
      nodes.push_back({{"name", n.name},
                       {"op", OpName(n.op)},
                       {"shape", n.shape.dims()},
                       {"parameters", n.parameters},
                       {"macs", n.macs},
                       {"aux", n.aux}});
    }
    j["nodes"] = nodes;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("%-34s %-16s %-18s %12s %15s\n", "node", "op", "output", "parameters", "mult-adds");
  for (const NodeStats& n : stats.nodes) {
    if (n.aux && !with_aux) continue;
    std::printf("%-34s %-16s %-18s %12s %15s%s\n", n.name.c_str(), OpName(n.op),
                n.shape.str().c_str(), WithCommas(n.parameters).c_str(), WithCommas(n.macs).c_str(),
                n.aux ? "  (aux)" : "");
  }
  std::printf("\n%s: %s parameters, %s multiply-adds (%.3f G)%s\n", graph.name.c_str(),
              WithCommas(stats.parameters).c_str(), WithCommas(stats.macs).c_str(),
              stats.macs / 1e9, with_aux ? ", aux heads included" : "");
  return 0;
}

}  // namespace incept::cli

// incept profile MODEL [--backend host] [--batch N] [--streams S] [--iterations N]
//                      [--trace F.json] [--json] [--top K]
// Per-node times of a run, the slowest first, and a Chrome trace (chrome://tracing or
// ui.perfetto.dev) with one lane per plan stream. Times are medians over the iterations.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "graph/op_registry.h"
#include "host/cli/cli_app.h"
#include "host/cli/model_loading.h"
#include "host/cli/progress.h"
#include "host/engine.h"

namespace incept::cli {
namespace {

double Median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace

int RunProfile(const Args& args) {
  CLI::App app("Per-node times of one batch and a Chrome trace of the plan's streams.", "profile");
  std::string model, weights, trace, backend = "host";
  int batch = 1, streams = 4, iterations = 5, top = 20;
  bool json_out = false;
  app.add_option("MODEL", model, "model JSON file")->required();
  app.add_option("--weights", weights, "safetensors weights (default: seeded random weights)");
  app.add_option("--backend", backend, "backend to profile (per-node times: host)")
      ->check(CLI::IsMember({"host", "cuda", "auto"}));
  app.add_option("--batch", batch, "batch size")->check(CLI::Range(1, 1 << 16));
  app.add_option("--streams", streams, "most concurrent streams")->check(CLI::Range(1, 64));
  app.add_option("--iterations", iterations, "profiled runs (medians)")
      ->check(CLI::Range(1, 10000));
  app.add_option("--top", top, "rows in the table (slowest nodes)")->check(CLI::Range(1, 100000));
  app.add_option("--trace", trace, "write a Chrome trace (JSON) of the last run");
  app.add_flag("--json", json_out, "print JSON: per-node median microseconds");
  if (int code = Parse(app, args); code >= 0) return code;

  LoadedModel m = LoadModel(model, weights);
  Tensor input = LoadInput(m.graph, "", {}, batch);
  EngineOptions options;
  options.backend = backend;
  options.streams = streams;
  Engine engine(std::move(m.graph), std::move(m.weights), options);
  PrintEngineNotes(engine);
  const Graph& graph =
      engine.Prepare(Shape{input.dims[0], input.dims[1], input.dims[2], input.dims[3]}).graph;
  engine.Run(input);  // warm-up

  std::map<int, std::vector<double>> per_node;
  std::vector<NodeTiming> last;
  Progress progress;
  for (int i = 0; i < iterations; ++i) {
    last.clear();
    engine.Run(input, RunOptions{false, &last});
    for (const NodeTiming& t : last) per_node[t.node].push_back(t.duration_us);
    progress.Update("profiled run %d/%d", i + 1, iterations);
  }
  progress.Finish();
  if (per_node.empty())
    throw Error("the " + engine.backend_name() +
                " backend does not time nodes yet; use --backend host");

  struct Row {
    int node;
    double us;
  };
  std::vector<Row> rows;
  double total = 0;
  for (const auto& [node, times] : per_node) {
    rows.push_back({node, Median(times)});
    total += rows.back().us;
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.us > b.us; });

  if (!trace.empty()) {
    nlohmann::json events = nlohmann::json::array();
    for (const NodeTiming& t : last) {
      const Node& node = graph.nodes[t.node];
      events.push_back({{"name", node.name},
                        {"cat", OpName(node.op)},
                        {"ph", "X"},
                        {"ts", t.start_us},
                        {"dur", t.duration_us},
                        {"pid", 0},
                        {"tid", t.stream},
                        {"args", {{"shape", node.shape.str()}}}});
    }
    for (int s = 0; s < streams; ++s)
      events.push_back({{"name", "thread_name"},
                        {"ph", "M"},
                        {"pid", 0},
                        {"tid", s},
                        {"args", {{"name", "stream " + std::to_string(s)}}}});
    std::ofstream out(trace);
    if (!out || !(out << nlohmann::json{{"traceEvents", events}}.dump()))
      throw Error(trace + ": cannot write");
  }

  if (json_out) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const Row& r : rows)
      nodes.push_back({{"name", graph.nodes[r.node].name},
                       {"op", OpName(graph.nodes[r.node].op)},
                       {"median_us", r.us}});
    std::printf("%s\n", nlohmann::json{{"backend", engine.backend_name()},
                                       {"batch", batch},
                                       {"total_us", total},
                                       {"nodes", nodes}}
                            .dump(2)
                            .c_str());
    return 0;
  }
  std::printf("%-34s %-16s %-16s %10s %7s\n", "node", "op", "output", "median ms", "share");
  for (size_t i = 0; i < rows.size() && i < size_t(top); ++i) {
    const Node& node = graph.nodes[rows[i].node];
    std::printf("%-34s %-16s %-16s %10.3f %6.1f%%\n", node.name.c_str(), OpName(node.op),
                node.shape.str().c_str(), rows[i].us / 1000, 100 * rows[i].us / total);
  }
  std::printf(
      "\n%s backend, batch %d: %zu launches, %.2f ms in kernels (median per node over "
      "%d runs)%s\n",
      engine.backend_name().c_str(), batch, rows.size(), total / 1000, iterations,
      trace.empty() ? "" : (", trace in " + trace).c_str());
  return 0;
}

}  // namespace incept::cli

// JSON load and save of graphs (nlohmann/json). Format, version 1:
//
//   {"format": "incept-graph", "version": 1, "name": "...",
//    "nodes": [{"name": "conv1", "op": "Conv2d", "inputs": ["data"],
//               "attrs": {...}, "params": {"weight": "conv1.weight"}}, ...],
//    "outputs": ["prob"], "aux_outputs": ["loss1/classifier"]}
//
// Loading validates everything and infers shapes; errors name the JSON path and the node:
//   model.json: nodes[57] "inception4a/3x3": unknown attribute "strides"
// Save then load is exact (floats print with round-trip precision).
#pragma once

#include <string>

#include "graph/graph.h"

namespace incept {

Graph GraphFromJson(const std::string& text, const std::string& source = "<string>");
Graph LoadGraph(const std::string& path);
std::string GraphToJson(const Graph& graph);
void SaveGraph(const Graph& graph, const std::string& path);

}  // namespace incept

// Small graph surgery helpers shared by the passes.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace incept::passes {

// Makes every reader of `from` (node inputs and graph outputs) read `to` instead.
void Rewire(Graph& graph, const std::string& from, const std::string& to);

// True if `name` is a graph output or aux output.
bool IsGraphOutput(const Graph& graph, const std::string& name);

// Index of the only consumer of node `i`, or -1 if it has none, several, or is an output.
int SoleConsumer(const Graph& graph, const std::vector<std::vector<int>>& consumers, int i);

// Removes the nodes whose mask entry is true.
void RemoveNodes(Graph& graph, const std::vector<bool>& remove);

}  // namespace incept::passes

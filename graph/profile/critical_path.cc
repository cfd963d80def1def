// Longest path over the plan DAG; branches of each join from ancestor sets.
#include "graph/profile/critical_path.h"

#include <algorithm>

#include "graph/error.h"

namespace incept::profile {
namespace {

// Input node indices of every node (graph.nodes are topological, so inputs come first).
std::vector<std::vector<int>> InputIndices(const Graph& graph) {
  std::vector<std::vector<int>> inputs(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (const std::string& name : graph.nodes[i].inputs) {
      const int p = graph.IndexOf(name);
      if (p < 0)
        throw Error("profile: node \"" + graph.nodes[i].name + "\" reads unknown \"" + name + "\"");
      inputs[i].push_back(p);
    }
  return inputs;
}

}  // namespace

CriticalPath FindCriticalPath(const PlanDag& dag, const std::vector<double>& duration_us) {
  CriticalPath path;
  path.earliest_finish.assign(duration_us.size(), 0.0);
  std::vector<int> best_pred(duration_us.size(), -1);
  int last = -1;
  for (int x : dag.launches) {
    double start = 0;
    for (int p : dag.predecessors[x])
      if (best_pred[x] < 0 || path.earliest_finish[p] > start) {
        start = path.earliest_finish[p];
        best_pred[x] = p;
      }
    path.earliest_finish[x] = start + duration_us[x];
    if (last < 0 || path.earliest_finish[x] > path.earliest_finish[last]) last = x;
  }
  for (int x = last; x >= 0; x = best_pred[x]) path.nodes.push_back(x);
  std::reverse(path.nodes.begin(), path.nodes.end());
  path.length_us = last >= 0 ? path.earliest_finish[last] : 0.0;
  return path;
}

std::vector<double> ValueReady(const Graph& graph, const CriticalPath& path, const PlanDag& dag) {
  const std::vector<std::vector<int>> inputs = InputIndices(graph);
  std::vector<bool> launched(graph.nodes.size(), false);
  for (int x : dag.launches) launched[static_cast<size_t>(x)] = true;
  std::vector<double> ready(graph.nodes.size(), 0.0);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (launched[i]) {
      ready[i] = path.earliest_finish[i];
      continue;
    }
    for (int p : inputs[i]) ready[i] = std::max(ready[i], ready[static_cast<size_t>(p)]);
  }
  return ready;
}

std::vector<InceptionBlock> FindInceptionBlocks(const Graph& graph) {
  const size_t n = graph.nodes.size();
  const std::vector<std::vector<int>> inputs = InputIndices(graph);
  // anc[i][j]: node j is an ancestor of node i (or i itself). n is a few hundred.
  std::vector<std::vector<char>> anc(n, std::vector<char>(n, 0));
  for (size_t i = 0; i < n; ++i) {
    anc[i][i] = 1;
    for (int p : inputs[i])
      for (size_t j = 0; j <= static_cast<size_t>(p); ++j) anc[i][j] |= anc[p][j];
  }
  std::vector<InceptionBlock> blocks;
  for (size_t c = 0; c < n; ++c) {
    if (graph.nodes[c].op != OpKind::kConcat || inputs[c].size() < 2) continue;
    InceptionBlock block;
    block.join = static_cast<int>(c);
    std::vector<char> common(n, 1);
    for (int v : inputs[c])
      for (size_t j = 0; j < n; ++j) common[j] &= anc[v][j];
    for (size_t j = 0; j < n; ++j)
      if (common[j]) block.fork = static_cast<int>(j);
    for (int v : inputs[c]) {
      Branch branch;
      branch.output = v;
      for (size_t j = 0; j < n; ++j)
        if (anc[v][j] && !common[j]) branch.nodes.push_back(static_cast<int>(j));
      block.branches.push_back(std::move(branch));
    }
    blocks.push_back(std::move(block));
  }
  return blocks;
}

void MeasureBlocks(const Graph& graph, const CriticalPath& path,
                   const std::vector<double>& duration_us, std::vector<InceptionBlock>& blocks) {
  const std::vector<std::vector<int>> inputs = InputIndices(graph);
  std::vector<double> chain(graph.nodes.size(), 0.0);  // longest chain ending at a node
  for (InceptionBlock& block : blocks) {
    double block_finish = 0;
    for (Branch& branch : block.branches) {
      branch.work_us = 0;
      branch.finish_us = 0;
      for (int x : branch.nodes) {  // topological: inputs inside the branch come first
        double before = 0;
        for (int p : inputs[x])
          if (std::binary_search(branch.nodes.begin(), branch.nodes.end(), p))
            before = std::max(before, chain[p]);
        chain[x] = before + duration_us[x];
        branch.work_us = std::max(branch.work_us, chain[x]);
        branch.finish_us = std::max(branch.finish_us, path.earliest_finish[x]);
      }
      block_finish = std::max(block_finish, branch.finish_us);
    }
    block.bounding = -1;
    for (size_t b = 0; b < block.branches.size(); ++b) {
      Branch& branch = block.branches[b];
      branch.slack_us = block_finish - branch.finish_us;
      if (block.bounding < 0 || branch.finish_us > block.branches[block.bounding].finish_us)
        block.bounding = static_cast<int>(b);
    }
  }
}

}  // namespace incept::profile

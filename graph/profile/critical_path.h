// The critical path through a plan, and how each Inception block's branches bound it.
//
// Critical path: with d(x) the measured duration of node x and pred(x) its predecessors in
// the plan's DAG (plan_dag.h), the earliest finish is
//     EF(x) = d(x) + max(EF(p) for p in pred(x))      (0 if none)
// and the critical path is the chain that attains max EF, found by walking back from the
// latest-finishing node through the predecessor of largest EF. Its length is the time the
// plan would take if every node ran as long as measured and nothing else waited: no launch
// gaps, no start-up.
//
// Inception blocks: every Concat with two or more inputs joins branches forked from one
// value. With anc(v) the ancestors of v in the graph (v included), branch i of a Concat with
// inputs v_1..v_k is anc(v_i) minus the ancestors common to all inputs; the fork is the
// common ancestor latest in topological order. The branch that bounds the block is the one
// whose output finishes last (largest EF: it includes the stream order the plan imposes);
// another branch's slack is how much later it could finish without delaying the join.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/profile/plan_dag.h"

namespace incept::profile {

struct CriticalPath {
  std::vector<int> nodes;               // first to last
  double length_us = 0;                 // sum of the durations along it (= max EF)
  std::vector<double> earliest_finish;  // per node (0 if not launched)
};

// `duration_us` per graph node (0 for nodes that did not run).
CriticalPath FindCriticalPath(const PlanDag& dag, const std::vector<double>& duration_us);

struct Branch {
  int output = -1;         // the node whose value the Concat reads
  std::vector<int> nodes;  // the branch's nodes, topological
  double work_us = 0;      // longest chain of durations inside the branch (data edges)
  double finish_us = 0;    // EF of its last node (the latest EF among its nodes)
  double slack_us = 0;     // block finish - finish_us (0 for the bounding branch)
};

struct InceptionBlock {
  int join = -1;  // the Concat
  int fork = -1;  // the value every branch starts from (-1 if the branches share none)
  std::vector<Branch> branches;
  int bounding = -1;  // index into branches
};

// When each node's value is complete under the EF model: its EF if it is launched, else
// (views, elided concats, the input) the latest of its inputs' (0 for the input).
std::vector<double> ValueReady(const Graph& graph, const CriticalPath& path, const PlanDag& dag);

// Every join in `graph` (nodes topological, as the IR keeps them).
std::vector<InceptionBlock> FindInceptionBlocks(const Graph& graph);

// Fills work, finish, slack and bounding of every block from the durations and the EF of a
// critical-path analysis.
void MeasureBlocks(const Graph& graph, const CriticalPath& path,
                   const std::vector<double>& duration_us, std::vector<InceptionBlock>& blocks);

}  // namespace incept::profile

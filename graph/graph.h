// Graph: the IR of a CNN.
//
// A node produces exactly one value, named after the node; its inputs name the values
// (i.e. the nodes) it reads. A value with several consumers is a branch (fan-out); a
// Concat node with several inputs is a join. `nodes` is kept in topological order.
// Parameters are referenced by role ("weight", "bias", "running_mean", ...) and named by
// the weights file's tensor names, so the graph text and the weights stay apart.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/op.h"
#include "graph/shape.h"

namespace incept {

// Where a node writes its output when concat elision placed it in a slice of a concat
// buffer: channels [channel_offset, channel_offset + C) of the value `concat`.
struct ConcatSlice {
  std::string concat;
  int64_t channel_offset = 0;
  bool operator==(const ConcatSlice& o) const {
    return concat == o.concat && channel_offset == o.channel_offset;
  }
};

struct Node {
  std::string name;  // also the name of the value it produces
  OpKind op = OpKind::kInput;
  OpAttrs attrs;
  std::vector<std::string> inputs;
  std::map<std::string, std::string> params;  // role -> tensor name in the weights
  std::optional<ConcatSlice> output_slice;    // set by concat elision
  bool elided = false;  // a Concat whose inputs write in place: no work, a view only
  Shape shape;          // output shape, filled by shape inference

  template <class T>
  const T& attr() const {
    return std::get<T>(attrs);
  }
  template <class T>
  T& attr() {
    return std::get<T>(attrs);
  }
};

class Graph {
 public:
  std::string name;
  std::vector<Node> nodes;               // topological order
  std::vector<std::string> outputs;      // the inference outputs
  std::vector<std::string> aux_outputs;  // training-only heads (aux classifiers)

  // Index of the node named `name`, or -1 (a linear scan: graphs have a few hundred nodes).
  int IndexOf(const std::string& name) const;
  const Node& at(const std::string& name) const;  // throws Error if absent
  Node& at(const std::string& name);

  // For every node index, the indices of the nodes that read its value, in node order.
  std::vector<std::vector<int>> Consumers() const;

  // Indices of the Input nodes, in order.
  std::vector<int> InputIndices() const;
};

}  // namespace incept

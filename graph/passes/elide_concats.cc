// Concat elision: a Concat's inputs write their channels [offset, offset + C) of the
// concat buffer directly, so the concat itself does no work. An input qualifies when the
// Concat is its only reader, it is not already a slice of another concat, and it is a
// computing node (not the graph input, not a view) or an elided Concat. Concats are visited
// in topological order, so an inner Concat (Inception-v3's InceptionE: two convs
// concatenated, then concatenated with the block's other branches) is elided first and
// then becomes a slice of the outer one: its inputs' slices resolve to the outermost
// concat's buffer, at the sum of the channel offsets on the way (AnalyzeViews).
#include "graph/passes/passes.h"
#include "graph/passes/rewire.h"

namespace incept {
namespace {

bool CanWriteSlice(const Node& node) {
  switch (node.op) {
    case OpKind::kConv2d:
    case OpKind::kFusedReduceConv:
    case OpKind::kMaxPool:
    case OpKind::kAvgPool:
    case OpKind::kLRN:
    case OpKind::kReLU:
    case OpKind::kBatchNorm:
    case OpKind::kChannelAffine:
      return !node.output_slice;
    case OpKind::kConcat:  // a view already: its inputs write where it lies
      return node.elided && !node.output_slice;
    default:
      return false;
  }
}

}  // namespace

int ElideConcats(Graph& graph) {
  auto consumers = graph.Consumers();
  int elided = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& concat = graph.nodes[i];
    if (concat.op != OpKind::kConcat || concat.elided) continue;
    bool all = true;
    for (const std::string& input : concat.inputs) {
      int p = graph.IndexOf(input);
      all = all && passes::SoleConsumer(graph, consumers, p) == static_cast<int>(i) &&
            CanWriteSlice(graph.nodes[p]);
    }
    // A value read twice by the same concat cannot live in two slices.
    for (size_t a = 0; a < concat.inputs.size(); ++a)
      for (size_t b = a + 1; b < concat.inputs.size(); ++b)
        all = all && concat.inputs[a] != concat.inputs[b];
    if (!all) continue;
    int64_t offset = 0;
    for (const std::string& input : concat.inputs) {
      Node& producer = graph.at(input);
      producer.output_slice = ConcatSlice{concat.name, offset};
      offset += producer.shape.c;
    }
    concat.elided = true;
    ++elided;
  }
  return elided;
}

}  // namespace incept

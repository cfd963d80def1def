// PlanToDot: nodes coloured by stream, edges = data dependencies.
#include "graph/planner/plan_dot.h"

#include <sstream>

#include "graph/error.h"
#include "graph/op_registry.h"

namespace incept {
namespace {

std::string DotEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

const char* StreamColor(int stream) {
  static const char* const kPalette[] = {"#8dd3c7", "#fdb462", "#bebada", "#fb8072",
                                         "#80b1d3", "#b3de69", "#fccde5", "#ffffb3"};
  if (stream < 0) return "#dddddd";
  return kPalette[stream % (sizeof(kPalette) / sizeof(kPalette[0]))];
}

std::string PlanToDot(const Graph& graph, const Plan& plan) {
  const int n = static_cast<int>(graph.nodes.size());
  if (static_cast<int>(plan.node_stream.size()) != n) {
    throw Error("PlanToDot: the plan has " + std::to_string(plan.node_stream.size()) +
                " node streams for " + std::to_string(n) + " nodes");
  }
  // Plans with per-value element types (precision_policy.h) show each value's format.
  const bool per_value_formats =
      plan.bytes_per_element == 0 && static_cast<int>(plan.values.size()) == n;
  std::ostringstream out;
  out << "digraph \"" << DotEscape(graph.name) << "\" {\n"
      << "  rankdir=TB;\n"
      << "  node [shape=box, style=filled, fontname=\"Helvetica\", fontsize=10];\n";
  for (int i = 0; i < n; ++i) {
    const Node& node = graph.nodes[i];
    const int stream = plan.node_stream[i];
    out << "  n" << i << " [label=\"" << DotEscape(node.name) << "\\n" << OpName(node.op);
    if (per_value_formats) out << "\\n" << ValueFormatName(plan.values[i].format);
    if (stream >= 0) {
      out << "\\nstream " << stream << "\", fillcolor=\"" << StreamColor(stream) << "\"];\n";
    } else {
      out << "\\nnot launched\", fillcolor=\"" << StreamColor(-1)
          << "\", style=\"filled,dashed\"];\n";
    }
  }
  for (int i = 0; i < n; ++i) {
    for (const std::string& input : graph.nodes[i].inputs) {
      const int producer = graph.IndexOf(input);
      if (producer < 0) throw Error("PlanToDot: unknown input \"" + input + "\"");
      out << "  n" << producer << " -> n" << i << ";\n";
    }
  }
  out << "}\n";
  return out.str();
}

}  // namespace incept

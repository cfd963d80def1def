// MemoryPlanToSvg: offset vs step, one rectangle per value and workspace.
#include "graph/planner/plan_svg.h"

#include <algorithm>
#include <sstream>

#include "graph/error.h"
#include "graph/planner/plan_dot.h"
#include "graph/planner/step_order.h"
#include "graph/planner/views.h"

namespace incept {
namespace {

constexpr double kColumnWidth = 24;
constexpr double kPlotHeight = 480;
constexpr double kMargin = 40;

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string MemoryPlanToSvg(const Graph& graph, const Plan& plan) {
  const int n = static_cast<int>(graph.nodes.size());
  if (static_cast<int>(plan.values.size()) != n || static_cast<int>(plan.workspaces.size()) != n) {
    throw Error("MemoryPlanToSvg: the plan has no memory plan (run PlanMemory)");
  }
  const GraphViews views = AnalyzeViews(graph);
  const StepOrder order(graph, plan);
  // Columns: 0 = before the plan, 1 + launch index, launches + 1 = after the plan.
  auto column = [&](int access) { return order.LinearIndex(access) + 1; };
  const int columns = order.num_launches() + 2;
  const double width = 2 * kMargin + columns * kColumnWidth;
  const double height = 2 * kMargin + kPlotHeight;
  const double scale = kPlotHeight / static_cast<double>(std::max<int64_t>(1, plan.arena_bytes));
  const bool per_value_formats = plan.bytes_per_element == 0;  // precision_policy.h

  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"Helvetica\" font-size=\"11\">\n";
  out << "<text x=\"" << kMargin << "\" y=\"" << kMargin / 2 << "\">" << XmlEscape(graph.name)
      << ": arena " << plan.arena_bytes << " B, lower bound " << plan.lower_bound_bytes
      << " B, naive " << plan.naive_bytes << " B, " << plan.num_streams << " streams";
  if (per_value_formats) out << ", precision " << PrecisionName(plan.precision);
  out << "</text>\n";

  auto rect = [&](int first, int last, int64_t offset, int64_t bytes, const char* fill,
                  const char* extra, const std::string& title) {
    out << "<rect x=\"" << kMargin + first * kColumnWidth << "\" y=\"" << kMargin + offset * scale
        << "\" width=\"" << (last - first + 1) * kColumnWidth << "\" height=\""
        << std::max(1.0, bytes * scale) << "\" fill=\"" << fill << "\" stroke=\"#333333\"" << extra
        << "><title>" << XmlEscape(title) << "</title></rect>\n";
  };
  // Roots first, views over them.
  for (int pass = 0; pass < 2; ++pass) {
    for (int v = 0; v < n; ++v) {
      const ValuePlacement& p = plan.values[v];
      if ((p.kind == ValueKind::kBuffer) != (pass == 0)) continue;
      int first = columns, last = 0;
      if (graph.nodes[v].op == OpKind::kInput) first = 0;
      for (int w : views.writers[v]) {
        first = std::min(first, column(w));
        last = std::max(last, column(w));
      }
      for (int r : views.readers[v]) last = std::max(last, column(r));
      if (views.is_output[v]) last = columns - 1;
      if (first == columns) first = 0;
      last = std::max(last, first);
      const int writer = views.writers[v].empty() ? -1 : views.writers[v].front();
      const int stream = writer >= 0 ? plan.node_stream[writer] : -1;
      std::ostringstream title;
      title << graph.nodes[v].name << ": " << ValueKindName(p.kind);
      if (p.kind != ValueKind::kBuffer) title << " of " << graph.nodes[p.root].name;
      if (per_value_formats) title << ", " << ValueFormatName(p.format);
      title << ", bytes [" << p.offset << ", " << p.offset + p.bytes << "), steps " << first << "-"
            << last;
      rect(first, last, p.offset, p.bytes, StreamColor(stream),
           pass == 0 ? "" : " fill-opacity=\"0.5\"", title.str());
    }
  }
  for (int v = 0; v < n; ++v) {
    const WorkspacePlacement& w = plan.workspaces[v];
    if (w.bytes == 0) continue;
    const int c = column(v);
    std::ostringstream title;
    title << "workspace of " << graph.nodes[v].name << ", bytes [" << w.offset << ", "
          << w.offset + w.bytes << "), step " << c;
    rect(c, c, w.offset, w.bytes, StreamColor(plan.node_stream[v]),
         " stroke-dasharray=\"3,2\" fill-opacity=\"0.7\"", title.str());
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace incept

// MemoryPlanToSvg: offset vs step, one rectangle per value and workspace, with axes, ticks
// and a legend.
#include "graph/planner/plan_svg.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "graph/error.h"
#include "graph/planner/plan_dot.h"
#include "graph/planner/step_order.h"
#include "graph/planner/views.h"

namespace incept {
namespace {

constexpr double kColumnWidth = 24;
constexpr double kPlotHeight = 480;
constexpr double kTop = 40;           // title above the plot
constexpr double kLeft = 80;          // y tick labels and the y axis title
constexpr double kBottom = 56;        // x tick labels and the x axis title
constexpr double kLegendWidth = 230;  // right of the plot
constexpr double kTickLength = 5;
constexpr int kTargetTicks = 8;  // about this many labelled ticks per axis

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

// The smallest of 1, 2, 5 x 10^k that is at least range / target: tick spacing that gives
// at most about `target` ticks over [0, range].
double NiceStep(double range, int target) {
  const double raw = std::max(range, 1e-12) / target;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= raw) return m * power;
  return 10 * power;
}

// The byte unit of the y axis: MiB for any arena of 1 MiB or more (every real network),
// else KiB or bytes so that the ticks of a tiny test plan stay readable.
struct ByteUnit {
  const char* name;
  double bytes;
};
ByteUnit UnitFor(int64_t arena_bytes) {
  if (arena_bytes >= (int64_t{1} << 20)) return {"MiB", 1024.0 * 1024.0};
  if (arena_bytes >= 1024) return {"KiB", 1024.0};
  return {"bytes", 1.0};
}

std::string Number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
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
  const double plot_width = columns * kColumnWidth;
  const double width = kLeft + plot_width + kLegendWidth;
  const double height = kTop + kPlotHeight + kBottom;
  const double scale = kPlotHeight / static_cast<double>(std::max<int64_t>(1, plan.arena_bytes));
  const bool per_value_formats = plan.bytes_per_element == 0;  // precision_policy.h
  const ByteUnit unit = UnitFor(plan.arena_bytes);

  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"Helvetica\" font-size=\"11\">\n";
  out << "<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out << "<text x=\"" << kLeft << "\" y=\"" << kTop / 2 << "\">" << XmlEscape(graph.name)
      << ": arena " << plan.arena_bytes << " B, lower bound " << plan.lower_bound_bytes
      << " B, naive " << plan.naive_bytes << " B, " << plan.num_streams << " streams";
  if (per_value_formats) out << ", precision " << PrecisionName(plan.precision);
  out << "</text>\n";

  // Axes: x = step along the bottom, y = arena offset (0 at the top) on the left.
  const double x0 = kLeft, y0 = kTop, x1 = kLeft + plot_width, y1 = kTop + kPlotHeight;
  out << "<g class=\"axes\" stroke=\"#000000\">\n";
  out << "<line x1=\"" << x0 << "\" y1=\"" << y1 << "\" x2=\"" << x1 << "\" y2=\"" << y1
      << "\"/>\n";
  out << "<line x1=\"" << x0 << "\" y1=\"" << y0 << "\" x2=\"" << x0 << "\" y2=\"" << y1
      << "\"/>\n";
  const int x_step = static_cast<int>(std::max(1.0, NiceStep(columns - 1, kTargetTicks)));
  std::ostringstream labels;
  for (int c = 0; c < columns; c += x_step) {
    const double x = x0 + (c + 0.5) * kColumnWidth;
    out << "<line x1=\"" << x << "\" y1=\"" << y1 << "\" x2=\"" << x << "\" y2=\""
        << y1 + kTickLength << "\"/>\n";
    labels << "<text x=\"" << x << "\" y=\"" << y1 + kTickLength + 12
           << "\" text-anchor=\"middle\">" << c << "</text>\n";
  }
  const double arena_in_unit = static_cast<double>(plan.arena_bytes) / unit.bytes;
  const double y_step = NiceStep(arena_in_unit, kTargetTicks);
  for (int i = 0; i * y_step <= arena_in_unit * (1 + 1e-9); ++i) {
    const double y = y0 + i * y_step * unit.bytes * scale;
    out << "<line x1=\"" << x0 - kTickLength << "\" y1=\"" << y << "\" x2=\"" << x0 << "\" y2=\""
        << y << "\"/>\n";
    labels << "<text x=\"" << x0 - kTickLength - 3 << "\" y=\"" << y + 4
           << "\" text-anchor=\"end\">" << Number(i * y_step) << "</text>\n";
  }
  out << "</g>\n<g class=\"tick-labels\">\n" << labels.str() << "</g>\n";
  out << "<text x=\"" << (x0 + x1) / 2 << "\" y=\"" << height - 10
      << "\" text-anchor=\"middle\">step (0: the caller writes the input; " << columns - 1
      << ": it reads the outputs)</text>\n";
  out << "<text transform=\"translate(" << 16 << "," << (y0 + y1) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">arena offset (" << unit.name << ")</text>\n";

  auto rect = [&](int first, int last, int64_t offset, int64_t bytes, const char* fill,
                  const char* extra, const std::string& title) {
    out << "<rect class=\"block\" x=\"" << x0 + first * kColumnWidth << "\" y=\""
        << y0 + offset * scale << "\" width=\"" << (last - first + 1) * kColumnWidth
        << "\" height=\"" << std::max(1.0, bytes * scale) << "\" fill=\"" << fill
        << "\" stroke=\"#333333\"" << extra << "><title>" << XmlEscape(title)
        << "</title></rect>\n";
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
      title << ", " << p.bytes << " bytes at [" << p.offset << ", " << p.offset + p.bytes
            << "), live steps " << first << "-" << last;
      rect(first, last, p.offset, p.bytes, StreamColor(stream),
           pass == 0 ? "" : " fill-opacity=\"0.5\"", title.str());
    }
  }
  for (int v = 0; v < n; ++v) {
    const WorkspacePlacement& w = plan.workspaces[v];
    if (w.bytes == 0) continue;
    const int c = column(v);
    std::ostringstream title;
    title << "workspace of " << graph.nodes[v].name << ", " << w.bytes << " bytes at [" << w.offset
          << ", " << w.offset + w.bytes << "), step " << c;
    rect(c, c, w.offset, w.bytes, StreamColor(plan.node_stream[v]),
         " stroke-dasharray=\"3,2\" fill-opacity=\"0.7\"", title.str());
  }

  // Legend: what the colours and the two special styles mean.
  const double lx = x1 + 24;
  double ly = y0 + 4;
  out << "<g class=\"legend\">\n<text x=\"" << lx << "\" y=\"" << ly + 8
      << "\" font-weight=\"bold\">colour: first writer's stream</text>\n";
  auto entry = [&](const char* fill, const char* extra, const std::string& text) {
    ly += 20;
    out << "<rect class=\"swatch\" x=\"" << lx << "\" y=\"" << ly << "\" width=\"16\" height=\"12\""
        << " fill=\"" << fill << "\" stroke=\"#333333\"" << extra << "/>\n";
    out << "<text x=\"" << lx + 22 << "\" y=\"" << ly + 10 << "\">" << XmlEscape(text)
        << "</text>\n";
  };
  for (int s = 0; s < plan.num_streams; ++s)
    entry(StreamColor(s), "", "stream " + std::to_string(s) + (s == 0 ? " (the caller's)" : ""));
  entry(StreamColor(-1), "", "input (written by the caller)");
  entry("#ffffff", " fill-opacity=\"0.5\"", "view: slice or alias, over its root");
  entry("#ffffff", " stroke-dasharray=\"3,2\"", "a node's workspace");
  ly += 28;
  out << "<text x=\"" << lx << "\" y=\"" << ly << "\">hover a block: value, bytes,</text>\n";
  out << "<text x=\"" << lx << "\" y=\"" << ly + 14 << "\">offset and live steps</text>\n";
  out << "</g>\n</svg>\n";
  return out.str();
}

}  // namespace incept

// Plan printing (plan.h).
#include "graph/planner/plan.h"

#include <sstream>

namespace incept {

const char* StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kLaunch:
      return "launch";
    case StepKind::kRecordEvent:
      return "record";
    case StepKind::kWaitEvent:
      return "wait";
  }
  return "?";
}

const char* ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBuffer:
      return "buffer";
    case ValueKind::kSlice:
      return "slice";
    case ValueKind::kAlias:
      return "alias";
    case ValueKind::kChannelView:
      return "channel view";
  }
  return "?";
}

std::string ValueFormatName(const ValueFormat& format) {
  return std::string(ElementTypeName(format.type)) + " " + LayoutName(format.layout);
}

int64_t ValueElementSize(const Plan& plan, int i) {
  return plan.bytes_per_element > 0 ? plan.bytes_per_element
                                    : ElementSize(plan.values[i].format.type);
}

std::string PlanToString(const Graph& graph, const Plan& plan) {
  const int n = static_cast<int>(graph.nodes.size());
  auto name = [&](int i) {
    return i >= 0 && i < n ? graph.nodes[i].name : "#" + std::to_string(i);
  };
  std::ostringstream out;
  out << "plan: " << plan.num_streams << (plan.num_streams == 1 ? " stream, " : " streams, ")
      << plan.num_events << (plan.num_events == 1 ? " event\n" : " events\n");
  for (size_t s = 0; s < plan.streams.size(); ++s) {
    out << "stream " << s << ":";
    const char* sep = " ";
    for (const Step& step : plan.streams[s]) {
      out << sep << StepKindName(step.kind) << " ";
      if (step.kind == StepKind::kLaunch) {
        out << name(step.node);
      } else {
        out << "e" << step.event;
      }
      sep = ", ";
    }
    out << "\n";
  }
  if (plan.values.empty()) return out.str();
  const bool per_value = plan.bytes_per_element == 0;
  out << "memory: arena " << plan.arena_bytes << " B, lower bound " << plan.lower_bound_bytes
      << " B, naive " << plan.naive_bytes << " B (";
  if (per_value) {
    out << "precision " << PrecisionName(plan.precision) << ", per-value element types";
  } else {
    out << plan.bytes_per_element << " B per element";
  }
  out << ", alignment " << plan.alignment << ")\n";
  for (size_t i = 0; i < plan.values.size(); ++i) {
    const ValuePlacement& v = plan.values[i];
    out << "  " << name(static_cast<int>(i)) << ": " << ValueKindName(v.kind);
    if (v.kind != ValueKind::kBuffer) out << " of " << name(v.root);
    out << ", offset " << v.offset << ", " << v.bytes << " B";
    if (per_value) out << ", " << ValueFormatName(v.format);
    out << "\n";
  }
  for (size_t i = 0; i < plan.workspaces.size(); ++i) {
    const WorkspacePlacement& w = plan.workspaces[i];
    if (w.bytes == 0) continue;
    out << "  workspace of " << name(static_cast<int>(i)) << ": offset " << w.offset << ", "
        << w.bytes << " B\n";
  }
  return out.str();
}

}  // namespace incept

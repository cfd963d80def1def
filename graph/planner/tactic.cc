#include "graph/planner/tactic.h"

#include <cstdio>

#include "graph/error.h"
#include "graph/planner/plan.h"

namespace incept {
namespace {

struct KindName {
  TacticKind kind;
  const char* name;
};
constexpr KindName kKindNames[] = {
    {TacticKind::kNone, "none"},
    {TacticKind::kHostKernel, "host"},
    {TacticKind::kCudnnConv, "cudnn"},
    {TacticKind::kCublasGemm, "cublas"},
    {TacticKind::kOwnKernel, "own_kernel"},
    {TacticKind::kFusedReduceConv, "fused_reduce_conv"},
    {TacticKind::kCudnnReducePair, "cudnn_reduce_pair"},
    {TacticKind::kMergedHorizontal, "merged_horizontal"},
};

struct MathName {
  MathType math;
  const char* name;
};
constexpr MathName kMathNames[] = {
    {MathType::kDefault, "default"},
    {MathType::kTensorOp, "tensor_op"},
    {MathType::kTensorOpAllowConversion, "tensor_op_allow_conversion"},
    {MathType::kFma, "fma"},
};

}  // namespace

const char* TacticKindName(TacticKind kind) {
  for (const KindName& k : kKindNames)
    if (k.kind == kind) return k.name;
  return "?";
}

const char* MathTypeName(MathType math) {
  for (const MathName& m : kMathNames)
    if (m.math == math) return m.name;
  return "?";
}

bool TacticKindFromName(const std::string& name, TacticKind* kind) {
  for (const KindName& k : kKindNames)
    if (name == k.name) return *kind = k.kind, true;
  return false;
}

bool MathTypeFromName(const std::string& name, MathType* math) {
  for (const MathName& m : kMathNames)
    if (name == m.name) return *math = m.math, true;
  return false;
}

void AssignUniformTactics(const Graph& graph, Plan& plan, TacticKind kind,
                          const std::string& name) {
  if (plan.node_stream.size() != graph.nodes.size())
    throw Error("AssignUniformTactics: the plan is not scheduled for this graph");
  plan.tactics.assign(graph.nodes.size(), Tactic{});
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (plan.node_stream[i] < 0) continue;
    plan.tactics[i].kind = kind;
    plan.tactics[i].name = name;
  }
}

std::string TacticsToString(const Graph& graph, const Plan& plan) {
  std::string out;
  for (size_t i = 0; i < plan.tactics.size() && i < graph.nodes.size(); ++i) {
    const Tactic& t = plan.tactics[i];
    if (t.kind == TacticKind::kNone) continue;
    char line[256];
    std::snprintf(line, sizeof line, "%s: %s %s", graph.nodes[i].name.c_str(),
                  TacticKindName(t.kind), t.name.c_str());
    out += line;
    if (t.algorithm >= 0)
      out += " algo " + std::to_string(t.algorithm) + " math " + MathTypeName(t.math);
    if (t.workspace_bytes > 0) out += " ws " + std::to_string(t.workspace_bytes) + " B";
    if (!t.candidates.empty()) {
      out += " [";
      for (size_t c = 0; c < t.candidates.size(); ++c) {
        const TacticCandidate& k = t.candidates[c];
        std::snprintf(line, sizeof line, "%s%s %.1fus ±%.1f%%", c ? ", " : "", k.name.c_str(),
                      k.median_us, 100.0 * k.spread);
        out += line;
      }
      out += "]";
    }
    out += "\n";
  }
  return out;
}

}  // namespace incept

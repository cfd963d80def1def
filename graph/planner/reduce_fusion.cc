#include "graph/planner/reduce_fusion.h"

#include <cstdio>
#include <map>
#include <set>

#include "graph/error.h"
#include "graph/planner/tactic_select.h"

namespace incept {

namespace {

struct ReasonName {
  FusionReason reason;
  const char* name;
};
constexpr ReasonName kReasonNames[] = {
    {FusionReason::kMeasured, "measured"},   {FusionReason::kHostDefault, "host default"},
    {FusionReason::kOption, "option"},       {FusionReason::kUnsupported, "unsupported"},
    {FusionReason::kPrecision, "precision"}, {FusionReason::kWholePlan, "whole plan"},
};

std::string Candidates(const std::vector<TacticCandidate>& candidates) {
  std::string out;
  for (const TacticCandidate& c : candidates) {
    char text[256];
    std::snprintf(text, sizeof text, "%s%s %.1fus ±%.1f%%", out.empty() ? "" : " vs ",
                  c.name.c_str(), c.median_us, 100.0 * c.spread);
    out += text;
  }
  return out;
}

}  // namespace

const char* FusionReasonName(FusionReason reason) {
  for (const ReasonName& r : kReasonNames)
    if (r.reason == reason) return r.name;
  return "?";
}

bool FusionReasonFromName(const std::string& name, FusionReason* reason) {
  for (const ReasonName& r : kReasonNames)
    if (name == r.name) {
      *reason = r.reason;
      return true;
    }
  return false;
}

std::vector<ReduceFusionDecision> UniformReduceFusions(const Graph& graph, bool fused,
                                                       FusionReason reason,
                                                       const std::string& why) {
  std::vector<ReduceFusionDecision> decisions;
  for (const ReducePair& p : FindReducePairs(graph)) {
    ReduceFusionDecision d;
    d.pair = graph.nodes[p.conv].name;
    d.reduce = graph.nodes[p.reduce].name;
    d.fused = fused;
    d.reason = reason;
    d.why = why;
    decisions.push_back(std::move(d));
  }
  return decisions;
}

int ApplyReduceFusions(Graph& graph, const std::vector<ReduceFusionDecision>& decisions,
                       const std::string& where) {
  // KxK conv name -> reduce name, for every pair the graph has.
  std::map<std::string, std::string> pairs;
  for (const ReducePair& p : FindReducePairs(graph))
    pairs[graph.nodes[p.conv].name] = graph.nodes[p.reduce].name;
  std::set<std::string> seen, fuse;
  for (size_t i = 0; i < decisions.size(); ++i) {
    const ReduceFusionDecision& d = decisions[i];
    const std::string at = where + "[" + std::to_string(i) + "] \"" + d.pair + "\"";
    auto it = pairs.find(d.pair);
    if (it == pairs.end())
      throw Error(at + ": the graph has no 1x1 reduce -> KxK conv pair of that name");
    if (it->second != d.reduce)
      throw Error(at + ": its reduce is \"" + it->second + "\", not \"" + d.reduce + "\"");
    if (!seen.insert(d.pair).second) throw Error(at + ": decided twice");
    if (d.fused) fuse.insert(d.pair);
  }
  if (fuse.empty()) return 0;
  return FuseReduceConv(graph,
                        [&](const Node&, const Node& conv) { return fuse.count(conv.name); });
}

std::string ReducePairSignature(const Graph& graph, const ReducePair& pair,
                                const std::string& element_type, const std::string& layout) {
  return "ReducePair " + LayerSignature(graph, pair.reduce, element_type, layout) + " | " +
         LayerSignature(graph, pair.conv, element_type, layout);
}

std::string FusedLaunchName(int cout_per_block, int tile_h) {
  return "fused_reduce_conv_tc/cpb" + std::to_string(cout_per_block) + "/th" +
         std::to_string(tile_h);
}

bool ParseFusedLaunchName(const std::string& name, int* cout_per_block, int* tile_h) {
  int cpb = -1, th = -1;
  char rest = 0;
  if (std::sscanf(name.c_str(), "fused_reduce_conv_tc/cpb%d/th%d%c", &cpb, &th, &rest) != 2)
    return false;
  if (cpb < 0 || th < 0 || FusedLaunchName(cpb, th) != name) return false;
  *cout_per_block = cpb;
  *tile_h = th;
  return true;
}

std::vector<ReduceFusionDecision> DecideReduceFusionsByTiming(const Graph& graph,
                                                              const ReducePairSupport& supported,
                                                              ReducePairTimer& timer,
                                                              const TimedFusionOptions& options) {
  std::vector<ReduceFusionDecision> decisions;
  for (const ReducePair& p : FindReducePairs(graph)) {
    const Node& reduce = graph.nodes[p.reduce];
    const Node& conv = graph.nodes[p.conv];
    ReduceFusionDecision d;
    d.pair = conv.name;
    d.reduce = reduce.name;
    std::string why;
    if (!supported(reduce, conv, &why)) {
      d.reason = FusionReason::kUnsupported;
      d.why = why;
      decisions.push_back(std::move(d));
      continue;
    }
    d.reason = FusionReason::kMeasured;
    const std::string signature =
        ReducePairSignature(graph, p, options.element_type, options.layout);
    // A cache entry is [pair, fused launch], as measured; anything else is re-timed.
    std::optional<std::vector<TacticCandidate>> hit;
    if (options.cache) hit = options.cache->Find(options.device, signature);
    int cpb = 0, th = 0;
    if (hit && hit->size() == 2 && (*hit)[0].name == kReducePairCandidate &&
        ParseFusedLaunchName((*hit)[1].name, &cpb, &th)) {
      d.candidates = *hit;
      d.why = "timing cache";
    } else {
      PairMeasurement m;
      try {
        m = timer.Measure(graph, p);
      } catch (const Error& e) {
        // e.g. the fused kernel's launch or cuDNN failed for this shape: the pair stays.
        d.reason = FusionReason::kUnsupported;
        d.why = std::string("timing failed: ") + e.what();
        decisions.push_back(std::move(d));
        continue;
      }
      cpb = m.cout_per_block;
      th = m.tile_h;
      d.candidates = {m.pair, m.fused};
      d.candidates[0].name = kReducePairCandidate;
      d.candidates[1].name = FusedLaunchName(cpb, th);
      if (options.cache) options.cache->Insert(options.device, signature, d.candidates);
    }
    d.cout_per_block = cpb;
    d.tile_h = th;
    d.fused = BeatsIncumbent(d.candidates[0], d.candidates[1]);
    decisions.push_back(std::move(d));
  }
  return decisions;
}

bool ConfirmOnWholePlan(std::vector<ReduceFusionDecision>& decisions,
                        const std::vector<TacticCandidate>& plans) {
  if (plans.size() != 2) throw Error("whole-plan confirmation: expected 2 plans");
  char line[160];
  std::snprintf(line, sizeof line, "whole plan %.1fus fused vs %.1fus unfused", plans[1].median_us,
                plans[0].median_us);
  const bool keep = BeatsIncumbent(plans[0], plans[1]);
  for (ReduceFusionDecision& d : decisions) {
    if (!d.fused) continue;
    d.why += (d.why.empty() ? "" : "; ") + std::string(line);
    if (!keep) {
      d.fused = false;
      d.reason = FusionReason::kWholePlan;
    }
  }
  return keep;
}

void RecordReduceFusionTactics(const Graph& graph, Plan& plan) {
  if (plan.tactics.size() != graph.nodes.size()) return;  // no tactics assigned
  std::map<std::string, int> index;
  for (size_t i = 0; i < graph.nodes.size(); ++i) index[graph.nodes[i].name] = static_cast<int>(i);
  for (const ReduceFusionDecision& d : plan.reduce_fusions) {
    if (d.candidates.empty()) continue;
    auto it = index.find(d.pair);
    if (it == index.end()) continue;
    Tactic& t = plan.tactics[it->second];
    const bool fused_node = graph.nodes[it->second].op == OpKind::kFusedReduceConv;
    if (fused_node) {
      t.kind = TacticKind::kFusedReduceConv;
      t.name = d.candidates.size() > 1 ? d.candidates[1].name : t.name;
      t.algorithm = -1;
      t.candidates = d.candidates;
    } else {
      for (const TacticCandidate& c : d.candidates) {
        bool present = false;
        for (const TacticCandidate& k : t.candidates) present |= k == c;
        if (!present) t.candidates.push_back(c);
      }
    }
  }
}

const ReduceFusionDecision* FusedDecision(const Plan& plan, const std::string& name) {
  for (const ReduceFusionDecision& d : plan.reduce_fusions)
    if (d.fused && d.pair == name) return &d;
  return nullptr;
}

std::string ReduceFusionsToString(const Plan& plan) {
  std::string out;
  for (const ReduceFusionDecision& d : plan.reduce_fusions) {
    out += d.pair + ": " + (d.fused ? "fused" : "not fused") + " (" + FusionReasonName(d.reason);
    std::string detail = d.why;
    if (!d.candidates.empty()) detail += (detail.empty() ? "" : ", ") + Candidates(d.candidates);
    if (!detail.empty()) out += ": " + detail;
    out += ")\n";
  }
  return out;
}

}  // namespace incept

// Reduce fusion per plan: which 1x1 reduce -> KxK conv pairs of a shape's graph to fuse,
// decided by the backend (Backend::ChooseReduceFusions) and recorded as plan data
// (Plan::reduce_fusions, reduce_fusion_decision.h).
//
//   graph (unfused, shapes inferred for one input) --ChooseReduceFusions--> decisions
//   ApplyReduceFusions(graph, decisions): FuseReduceConv on the pairs decided fused
//   MakePlan, AssignTactics, RecordReduceFusionTactics (the pair's times on its node)
//
// Choosing by timing (DecideReduceFusionsByTiming): each pair the fused kernel supports is
// timed both ways (ReducePairTimer: the unfused pair, the incumbent, and the fused kernel
// with its best launch) at the plan's batch and element type; it is fused only where the
// fused kernel is faster beyond the noise (BeatsIncumbent, tactic_select.h). Results go
// into the timing cache under the pair's signature (ReducePairSignature), so a warm cache
// times nothing. The selection is independent of what is timed: tested with fake timers.
//
// Thread safety: pure functions, except that DecideReduceFusionsByTiming calls the timer
// (from the calling thread only) and the cache (thread-safe).
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/passes/passes.h"
#include "graph/planner/device_key.h"
#include "graph/planner/plan.h"
#include "graph/planner/reduce_fusion_decision.h"
#include "graph/planner/timing_cache.h"

namespace incept {

// EngineOptions::fuse_reduce: false -> kNever, true -> kAlways, unset -> kBackendChooses.
enum class ReduceFusionMode { kNever, kAlways, kBackendChooses };

// What Backend::ChooseReduceFusions decides for: the plan's precision, its stream count
// (for a whole-plan confirmation) and the mode.
struct ReduceFusionRequest {
  Precision precision = Precision::kFp32;
  int streams = 4;
  ReduceFusionMode mode = ReduceFusionMode::kBackendChooses;
};

// One decision per pair of `graph` (FindReducePairs), all `fused` for `reason`.
std::vector<ReduceFusionDecision> UniformReduceFusions(const Graph& graph, bool fused,
                                                       FusionReason reason,
                                                       const std::string& why = "");

// Fuses the pairs decided fused. Each decision must name a pair of `graph` (its KxK conv
// and its reduce), each pair at most once, else Error naming the decision: a plan read
// from a file cannot fuse what the graph does not have. Returns the number fused; shapes
// must be inferred again by the caller when it is > 0.
int ApplyReduceFusions(Graph& graph, const std::vector<ReduceFusionDecision>& decisions,
                       const std::string& where = "reduce fusion");

// The timing-cache signature of a pair: both convs' LayerSignature (attributes, shapes with
// the batch, strides), the element type and layout, e.g.
//   "ReducePair Conv2d {...} in [...] out [...] fp16 NHWC | Conv2d {...} ... fp16 NHWC"
std::string ReducePairSignature(const Graph& graph, const ReducePair& pair,
                                const std::string& element_type, const std::string& layout);

// Candidate names: the unfused pair, and the fused kernel with its launch
// ("fused_reduce_conv_tc/cpb64/th8"; cpb0 = every output channel in one block).
constexpr char kReducePairCandidate[] = "cudnn-pair";
std::string FusedLaunchName(int cout_per_block, int tile_h);
// Inverse of FusedLaunchName; false if `name` is not one.
bool ParseFusedLaunchName(const std::string& name, int* cout_per_block, int* tile_h);

// Measures one pair both ways, at the graph's shapes, as it will run.
struct PairMeasurement {
  TacticCandidate pair;   // the unfused pair (name kReducePairCandidate)
  TacticCandidate fused;  // the fused kernel with its best launch (FusedLaunchName)
  int cout_per_block = 0, tile_h = 0;
};
class ReducePairTimer {
 public:
  virtual ~ReducePairTimer() = default;
  virtual PairMeasurement Measure(const Graph& graph, const ReducePair& pair) = 0;
};

// Whether the fused kernel can take a pair; sets *why when it cannot.
using ReducePairSupport =
    std::function<bool(const Node& reduce, const Node& conv, std::string* why)>;

struct TimedFusionOptions {
  DeviceKey device;  // the cache's key
  std::string element_type = "fp32", layout = "NCHW";
  TimingCache* cache = nullptr;  // may be null
};

// One decision per pair of `graph`: unsupported pairs kUnsupported (not fused); the others
// from the cache or the timer, fused iff the fused candidate beats the pair beyond noise
// (kMeasured either way). Timed results are added to the cache. A pair whose timing throws
// Error stays unfused (kUnsupported, "timing failed: ...") and is not cached.
std::vector<ReduceFusionDecision> DecideReduceFusionsByTiming(const Graph& graph,
                                                              const ReducePairSupport& supported,
                                                              ReducePairTimer& timer,
                                                              const TimedFusionOptions& options);

// The whole-plan confirmation's verdict: `plans` = [unfused plan (the incumbent), fused
// plan], each timed on the whole plan. Unless the fused plan beats the unfused one beyond
// the noise (BeatsIncumbent), every fused decision goes back to unfused (kWholePlan); each
// fused decision's `why` gains both plans' times either way. Returns whether fusion stays.
bool ConfirmOnWholePlan(std::vector<ReduceFusionDecision>& decisions,
                        const std::vector<TacticCandidate>& plans);

// Copies each timed decision into plan.tactics (graph: the plan's, with the fused pairs
// fused): a fused node's tactic becomes kFusedReduceConv named after its launch with the
// pair's candidates; an unfused pair's KxK conv keeps its tactic and gains the candidates.
void RecordReduceFusionTactics(const Graph& graph, Plan& plan);

// The decision recorded for node `name` if it names a fused pair, else null.
const ReduceFusionDecision* FusedDecision(const Plan& plan, const std::string& name);

// One line per decision: "inception3a.branch2.1: fused (measured: fused_reduce_conv_tc/
// cpb64/th8 41.0us vs cudnn-pair 50.2us)", "... not fused (unsupported: 1x7 kernel)".
std::string ReduceFusionsToString(const Plan& plan);

}  // namespace incept

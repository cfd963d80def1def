// CudaBackend::ChooseReduceFusions: which 1x1 reduce -> KxK pairs a CUDA plan fuses
// (graph/planner/reduce_fusion.h; docs/fused_reduce_conv_tc.md, "How the choice is made").
//
//   fp32, tf32   never: the fused kernel there is the SIMT fp32 one, which loses to cuDNN's
//                two convs by far (perf/results/2026-11-27-h200.md: GoogLeNet batch 1,
//                25.7 ms fused against 0.61 ms unfused on an H200); fuse_reduce = true
//                still forces it
//   fp16, bf16   per pair the tensor-core kernel supports (SupportsFusedReduceConvTc):
//                TimeFusedReduceConvPair at the plan's batch and element type, in rounds,
//                fused only where the fused kernel beats the cuDNN pair (the incumbent)
//                beyond the noise; results in the timing cache under the pair signature.
//                Then the whole plan: the fused plan against the unfused one, both as CUDA
//                graph replays with their concurrent streams; the unfused stays unless the
//                fused is faster beyond the noise (also cached), so the choice is never
//                measurably slower than the unfused plan.
#include <cmath>
#include <cstdio>
#include <map>

#include "cuda/cuda_backend.h"
#include "cuda/fused_pair_timing.h"
#include "cuda/fused_reduce_conv_tc.cuh"
#include "graph/error.h"
#include "graph/planner/make_plan.h"
#include "graph/planner/tactic_select.h"
#include "graph/shape_inference.h"

namespace incept {
namespace cuda {
namespace {

simt::TcElement TcElementOf(Precision precision) {
  return precision == Precision::kBf16 ? simt::TcElement::kBFloat16 : simt::TcElement::kHalf;
}

FusedReduceConvAttrs PairAttrs(const Node& reduce, const Node& conv) {
  FusedReduceConvAttrs a;
  a.in_channels = reduce.attr<Conv2dAttrs>().in_channels;
  a.reduce_channels = reduce.attr<Conv2dAttrs>().out_channels;
  a.conv = conv.attr<Conv2dAttrs>();
  return a;
}

bool TcSupports(const Node& reduce, const Node& conv, std::string* why) {
  return SupportsFusedReduceConvTc(PairAttrs(reduce, conv), why);
}

// One pair timed both ways (TimeFusedReduceConvPair) in kRounds rounds: each round one
// sample of each (the mean of kIterations runs); medians and spreads as SelectTactic's. The
// fused launch is the one of the round whose fused time is the median.
class TcPairTimer : public ReducePairTimer {
 public:
  TcPairTimer(simt::TcElement element, cudaStream_t stream) : element_(element), stream_(stream) {}
  PairMeasurement Measure(const Graph& graph, const ReducePair& pair) override {
    constexpr int kRounds = 3, kIterations = 10;
    const Node& reduce = graph.nodes[pair.reduce];
    const Shape in = graph.nodes.at(graph.IndexOf(reduce.inputs.at(0))).shape;
    FusedPairTimingRequest request;
    request.attrs = PairAttrs(reduce, graph.nodes[pair.conv]);
    request.batch = static_cast<int>(in.n);
    request.height = static_cast<int>(in.h);
    request.width = static_cast<int>(in.w);
    request.element = element_;
    request.warmup = 2;
    request.iterations = kIterations;
    std::vector<FusedPairTiming> rounds;
    std::vector<double> fused_us, pair_us;
    for (int r = 0; r < kRounds; ++r) {
      rounds.push_back(TimeFusedReduceConvPair(request, stream_));
      if (!rounds.back().fused_supported)
        throw Error("fused reduce conv \"" + graph.nodes[pair.conv].name +
                    "\": " + rounds.back().why_not);
      fused_us.push_back(1000.0 * rounds.back().fused_ms);
      pair_us.push_back(1000.0 * rounds.back().pair_ms);
    }
    PairMeasurement m;
    m.pair = {kReducePairCandidate, Median(pair_us), Spread(pair_us), kRounds};
    const double median = Median(fused_us);
    size_t at = 0;
    for (size_t r = 1; r < rounds.size(); ++r)
      if (std::abs(fused_us[r] - median) < std::abs(fused_us[at] - median)) at = r;
    m.cout_per_block = rounds[at].best_cout_per_block;
    m.tile_h = rounds[at].best_tile_h;
    m.fused = {FusedLaunchName(m.cout_per_block, m.tile_h), median, Spread(fused_us), kRounds};
    return m;
  }

 private:
  simt::TcElement element_;
  cudaStream_t stream_;
};

class PlanPairTimer : public TacticTimer {
 public:
  PlanPairTimer(CudaContext* unfused, CudaContext* fused) : unfused_(unfused), fused_(fused) {}
  double TimeUs(int index) override { return 1000.0 * (index ? fused_ : unfused_)->TimeReplays(3); }

 private:
  CudaContext* unfused_;
  CudaContext* fused_;
};

// FNV-1a, for a short whole-plan cache key.
uint64_t Fnv(const std::string& text, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The whole-plan key: every layer of the unfused graph, the pairs fused, streams, type.
std::string WholePlanSignature(const Graph& graph, const std::vector<ReduceFusionDecision>& d,
                               const ReduceFusionRequest& request) {
  uint64_t h = Fnv(PrecisionName(request.precision));
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    h = Fnv(LayerSignature(graph, static_cast<int>(i)), h);
  int fused = 0;
  for (const ReduceFusionDecision& x : d)
    if (x.fused) {
      h = Fnv(x.pair + "/" + FusedLaunchName(x.cout_per_block, x.tile_h), h);
      ++fused;
    }
  char key[160];
  std::snprintf(key, sizeof key, "ReduceFusionPlan %s NHWC streams %d pairs %d fnv %016llx",
                PrecisionName(request.precision), request.streams, fused,
                static_cast<unsigned long long>(h));
  return key;
}

}  // namespace

std::vector<ReduceFusionDecision> CudaBackend::ChooseReduceFusions(
    const Graph& graph, const WeightMap& weights, const ReduceFusionRequest& request) {
  if (request.mode == ReduceFusionMode::kNever)
    return UniformReduceFusions(graph, false, FusionReason::kOption, "fuse_reduce off");
  if (!IsReduced(request.precision)) {
    if (request.mode == ReduceFusionMode::kAlways)
      return UniformReduceFusions(graph, true, FusionReason::kOption, "fuse_reduce on (SIMT fp32)");
    return UniformReduceFusions(graph, false, FusionReason::kPrecision,
                                "fp32/tf32: the SIMT fused kernel loses to cuDNN");
  }
  if (request.mode == ReduceFusionMode::kAlways) {
    std::vector<ReduceFusionDecision> all =
        UniformReduceFusions(graph, true, FusionReason::kOption, "fuse_reduce on");
    const std::vector<ReducePair> pairs = FindReducePairs(graph);
    for (size_t i = 0; i < pairs.size(); ++i) {
      std::string why;
      if (TcSupports(graph.nodes[pairs[i].reduce], graph.nodes[pairs[i].conv], &why)) continue;
      all[i].fused = false;
      all[i].reason = FusionReason::kUnsupported;
      all[i].why = why;
    }
    return all;
  }

  std::shared_ptr<TimingCache> cache;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cache = timing_cache_;
  }
  TimedFusionOptions timed;
  timed.device = Device();
  timed.element_type = PrecisionName(request.precision);
  timed.layout = "NHWC";
  timed.cache = cache.get();
  Stream stream;
  TcPairTimer timer(TcElementOf(request.precision), stream.get());
  std::vector<ReduceFusionDecision> decisions =
      DecideReduceFusionsByTiming(graph, TcSupports, timer, timed);
  bool any = false;
  for (const ReduceFusionDecision& d : decisions) any |= d.fused;
  if (!any) return decisions;

  // The whole plan: unfused (the incumbent) against fused, in context.
  const std::string signature = WholePlanSignature(graph, decisions, request);
  std::vector<TacticCandidate> plans;
  if (cache) {
    std::optional<std::vector<TacticCandidate>> hit = cache->Find(timed.device, signature);
    if (hit && hit->size() == 2) plans = *hit;
  }
  if (plans.empty()) {
    Graph fused_graph = graph;
    ApplyReduceFusions(fused_graph, decisions);
    InferShapes(fused_graph, fused_graph.nodes.at(fused_graph.InputIndices().at(0)).shape);
    Plan unfused_plan = MakePlan(graph, request.streams, request.precision);
    Plan fused_plan = MakePlan(fused_graph, request.streams, request.precision);
    fused_plan.reduce_fusions = decisions;  // the launches the fused nodes compile with
    std::shared_ptr<const DeviceWeights> device_weights = Upload(weights);
    CudaContext unfused(graph, unfused_plan, device_weights, options_);
    CudaContext fused(fused_graph, fused_plan, device_weights, options_);
    PlanPairTimer plan_timer(&unfused, &fused);
    SelectionOptions rounds;
    rounds.min_rounds = 5;
    rounds.max_rounds = 20;
    plans = SelectTactic({"unfused plan", "fused plan"}, plan_timer, rounds).candidates;
    if (cache) cache->Insert(timed.device, signature, plans);
  }
  ConfirmOnWholePlan(decisions, plans);
  return decisions;
}

}  // namespace cuda
}  // namespace incept

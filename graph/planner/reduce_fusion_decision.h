// ReduceFusionDecision: whether one 1x1 reduce -> KxK conv pair of a plan's graph runs as
// one fused node, and why, as plan data (Plan::reduce_fusions). The decision is made per
// input shape and precision (Backend::ChooseReduceFusions), so it lives with each plan, not
// with the engine's one optimised graph: that graph keeps every pair unfused, and each
// plan's graph is that graph with the pairs decided `fused` fused (ApplyReduceFusions,
// graph/planner/reduce_fusion.h). An engine file stores the decisions in each plan and
// applies them again when it is read.
#pragma once

#include <string>
#include <vector>

#include "graph/planner/tactic.h"

namespace incept {

// Why a pair is (or is not) fused.
enum class FusionReason {
  kMeasured,     // timed both ways for this pair, batch and type; the faster beyond noise
  kHostDefault,  // the backend fuses every pair (the host backend: fusion is its default)
  kOption,       // EngineOptions::fuse_reduce (--no-fuse-reduce) forced it
  kUnsupported,  // the backend's fused kernel cannot take the pair (e.g. a 1x7 kernel)
  kPrecision,    // the backend never fuses at this precision (e.g. CUDA fp32/tf32)
  kWholePlan,    // measured faster alone, but the fused plan lost on the whole plan
};

const char* FusionReasonName(FusionReason reason);  // "measured", "host default", ...
bool FusionReasonFromName(const std::string& name, FusionReason* reason);

struct ReduceFusionDecision {
  std::string pair;    // the KxK conv's name (the fused node keeps it)
  std::string reduce;  // the 1x1 reduce conv's name
  bool fused = false;
  FusionReason reason = FusionReason::kHostDefault;
  std::string why;  // detail, e.g. "1x7 kernel: square 3x3 and 5x5 only"; may be empty
  // The fused kernel's launch (CUDA tensor-core kernel: output rows per block and output
  // channels per block, 0 = all); 0 and 0: the kernel's defaults.
  int tile_h = 0;
  int cout_per_block = 0;
  // Measured: [0] the unfused pair (the incumbent), [1] the fused kernel with its best
  // launch; empty if nothing was timed.
  std::vector<TacticCandidate> candidates;
  bool operator==(const ReduceFusionDecision& o) const {
    return pair == o.pair && reduce == o.reduce && fused == o.fused && reason == o.reason &&
           why == o.why && tile_h == o.tile_h && cout_per_block == o.cout_per_block &&
           candidates == o.candidates;
  }
};

}  // namespace incept

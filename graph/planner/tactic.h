// Tactic: one way to run one node at one (shape, element type, layout), as plan data
// (DESIGN.md §11). Plan::tactics holds the chosen tactic of every node; each records the
// candidates that were timed for it (name, median, spread), so `incept plan` and
// `incept profile` can show why it was chosen.
//
// Kinds: the host's reference kernels; a cuDNN convolution algorithm (algorithm id, math
// type, workspace); a cuBLAS GEMM; our own SIMT kernel; the fused reduce conv or the cuDNN
// pair it replaces; a merged horizontal 1x1 GEMM. Nodes that are not launched (Input,
// views, elided concats) have kind kNone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace incept {

struct Plan;

enum class TacticKind {
  kNone,              // not launched (Input, alias, slice, elided concat)
  kHostKernel,        // host reference kernel (the only host tactic)
  kCudnnConv,         // a cuDNN forward convolution algorithm
  kCublasGemm,        // cuBLAS GEMM (Linear)
  kOwnKernel,         // one of our SIMT kernels (pooling, LRN, softmax, ...)
  kFusedReduceConv,   // our fused 1x1 reduce + KxK conv kernel
  kCudnnReducePair,   // the two cuDNN convs a fused reduce conv replaces
  kMergedHorizontal,  // one GEMM for several 1x1 convs sharing an input
};

// cuDNN's math types (cudnnMathType_t), kept as our enum so graph/ needs no cuDNN.
enum class MathType { kDefault, kTensorOp, kTensorOpAllowConversion, kFma };

// One timed candidate: median of its samples and their spread, (max - min) / median over
// the last round of samples (0 if untimed).
struct TacticCandidate {
  std::string name;
  double median_us = 0;
  double spread = 0;
  int samples = 0;
  bool operator==(const TacticCandidate& o) const {
    return name == o.name && median_us == o.median_us && spread == o.spread && samples == o.samples;
  }
};

struct Tactic {
  TacticKind kind = TacticKind::kNone;
  std::string name;    // e.g. "host", "cudnn/IMPLICIT_PRECOMP_GEMM/default"
  int algorithm = -1;  // cuDNN algorithm id (kCudnnConv, kCudnnReducePair); else -1
  MathType math = MathType::kDefault;
  int64_t workspace_bytes = 0;
  std::vector<TacticCandidate> candidates;  // every candidate timed; empty if not timed
  bool operator==(const Tactic& o) const {
    return kind == o.kind && name == o.name && algorithm == o.algorithm && math == o.math &&
           workspace_bytes == o.workspace_bytes && candidates == o.candidates;
  }
};

const char* TacticKindName(TacticKind kind);  // "none", "host", "cudnn", ...
const char* MathTypeName(MathType math);      // "default", "tensor_op", ...
// Inverse of the names above; false if `name` is not one of them.
bool TacticKindFromName(const std::string& name, TacticKind* kind);
bool MathTypeFromName(const std::string& name, MathType* math);

// Fills plan.tactics (one per node): `kind` named `name` for every launched node (per
// plan.node_stream), kNone for the others. The host backend's choice.
void AssignUniformTactics(const Graph& graph, Plan& plan, TacticKind kind, const std::string& name);

// "conv1: cudnn cudnn/IMPLICIT_GEMM/default ws 0 B [cudnn/GEMM 41.2us ±3.1%, ...]", one line
// per launched node.
std::string TacticsToString(const Graph& graph, const Plan& plan);

}  // namespace incept

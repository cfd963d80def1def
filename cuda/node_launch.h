// The CUDA backend's node launch table: OpKind -> a binder that resolves, once, everything a
// node's launch needs (device pointers in the arena and the weights, cuDNN descriptors and
// algorithm, derived constants) and returns a closure that only enqueues work.
//
//   Conv2d            cuDNN, bias + ReLU fused, strided descriptors (writes concat slices)
//   FusedReduceConv   our fused 1x1 -> KxK kernel (fp16/bf16 NHWC: the tensor-core one,
//                     launch_fused_reduce_conv_tc.h)
//   Max/AvgPool, AdaptiveAvgPool, LRN, Softmax, ChannelAffine   our kernels
//   BatchNorm         ChannelAffine with s = gamma / sqrt(var + eps), t = beta - mean * s
//                     (computed in double when the context is built, as the host does)
//   Linear            cuBLAS SGEMM + bias
//   ReLU, Dropout, Flatten, launched Concat (inputs not already in their slice)   strided copy
//   Add               element-wise add
// Input and elided Concats are never launched. Enqueueing never allocates and makes no
// synchronous call, so a plan of these closures can be captured into a CUDA graph.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cuda/cudnn_conv.h"
#include "cuda/device_arena.h"
#include "cuda/device_weights.h"
#include "cuda/kernels/tensor_ref.h"
#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {
namespace cuda {

// What one plan stream owns in a context: the stream, its handles (bound to it) and its
// cuDNN workspace (nodes of one stream run one after another, so they share it).
struct StreamResources {
  cudaStream_t stream = nullptr;
  cudnnHandle_t cudnn = nullptr;
  cublasHandle_t cublas = nullptr;
  void* workspace = nullptr;
  size_t workspace_bytes = 0;
};

// Small per-context constants (ChannelAffine's scale and shift, BatchNorm's folded form):
// collected while nodes are bound, uploaded in one allocation by Commit(). Closures keep an
// offset and read the device address when they run.
class DeviceConstants {
 public:
  size_t Add(const std::vector<float>& values);  // returns the offset, in floats
  void Commit();                                 // one cudaMalloc + upload
  const float* Get(size_t offset) const;         // valid after Commit()
  size_t bytes() const { return host_.size() * sizeof(float); }

 private:
  std::vector<float> host_;
  DeviceArena device_;
};

// Everything a node is bound to.
struct NodeBinding {
  const Node* node = nullptr;
  std::vector<simt::ConstTensorRef> inputs;  // device views, in the node's input order
  simt::TensorRef output;                    // its value (may be a concat slice)
  const DeviceWeights* weights = nullptr;
  cudnnHandle_t cudnn = nullptr;  // the handle of the node's stream (algorithm choice)
  ConvMath math = ConvMath::kFp32;
  size_t max_workspace_bytes = size_t{64} << 20;
  bool conv_algorithms_by_timing = false;  // cuDNN: time every algorithm, else its heuristic
  int conv_algorithm = -1;                 // cuDNN: >= 0 forces this algorithm (a tactic)
  int* bound_conv_algorithm = nullptr;     // if set, receives the cuDNN algorithm bound
  DeviceConstants* constants = nullptr;
  // The output value's element type and layout (plan.values), and a FusedReduceConv's
  // tensor-core launch as its reduce-fusion decision recorded (0: the kernel's defaults).
  ValueFormat format;
  int fused_tile_h = 0, fused_cout_per_block = 0;
};

struct BoundNode {
  std::function<void(const StreamResources&)> enqueue;  // empty: not launched
  size_t workspace_bytes = 0;                           // cuDNN workspace it needs
};

// Binds one launched node; throws incept::Error naming the node if its op has no launcher
// or its configuration is not supported (e.g. asymmetric conv padding).
BoundNode BindNode(const NodeBinding& binding);

}  // namespace cuda
}  // namespace incept

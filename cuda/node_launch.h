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
// fp16/bf16 plans (NodeBinding::typed) bind through a table of their own
// (cuda/node_launch_typed.h).
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
#include "cuda/kernels/any_tensor_ref.h"
#include "cuda/kernels/tensor_ref.h"
#include "cuda/plan/conv_descriptors.h"
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
  // fp16/bf16 plans: the views in each value's planned format (cuda/plan/typed_views.h);
  // `inputs` and `output` are then unused.
  bool typed = false;
  std::vector<simt::AnyTensorRef> typed_inputs;
  simt::AnyTensorRef typed_output;
  ConvOutputRequest conv_output = ConvOutputRequest::kAuto;
  // A FusedReduceConv's tensor-core launch as its reduce-fusion decision recorded (0: the
  // kernel's defaults).
  int fused_tile_h = 0, fused_cout_per_block = 0;
};

struct BoundNode {
  std::function<void(const StreamResources&)> enqueue;  // empty: not launched
  size_t workspace_bytes = 0;                           // cuDNN workspace it needs
  std::string note = "";  // how it runs where there was a choice (a typed conv's output strategy)
};

// The node's parameter `role` downloaded to the host (`count` values, else an Error naming
// the tensor), or `count` copies of `fallback` when the node has none.
std::vector<float> HostParam(const NodeBinding& b, const char* role, size_t count, float fallback);

// Inference BatchNorm as y = x * scale[c] + shift[c]:
//   scale = gamma / sqrt(var + eps), shift = beta - mean * scale
// folded in double precision like the host kernel, then rounded to fp32.
struct BatchNormAffineConstants {
  std::vector<float> scale, shift;
};
BatchNormAffineConstants BatchNormAffine(const NodeBinding& b, size_t channels);

// Binds one launched node; throws incept::Error naming the node if its op has no launcher
// or its configuration is not supported (e.g. asymmetric conv padding).
BoundNode BindNode(const NodeBinding& binding);

}  // namespace cuda
}  // namespace incept

// One convolution of an fp16/bf16 plan on cuDNN, NHWC, tensor cores, fp32 accumulation,
// bias and activation fused:
//
//   out = act(conv(in, weight) + bias)     cudnnConvolutionBiasActivationForward
//
//   data (in, out, z = out)  T (CUDNN_DATA_HALF or CUDNN_DATA_BFLOAT16), NHWC, explicit
//                            strides (cuda/plan/conv_descriptors.h)
//   filter                   T, CUDNN_TENSOR_NHWC: OHWI (graph/weight_pack.h)
//   bias                     T, 1 x K x 1 x 1 (cuDNN's PSEUDO_HALF / PSEUDO_BFLOAT16
//                            configurations: data, filter and bias of the data type, the
//                            convolution's compute type fp32)
//   convolution              compute CUDNN_DATA_FLOAT, CUDNN_TENSOR_OP_MATH
// Without a bias: cudnnConvolutionForward, then a typed in-place ReLU if asked. A bias with
// no activation (IDENTITY) must use IMPLICIT_PRECOMP_GEMM (a cuDNN rule of the fused call);
// with ReLU any algorithm may be chosen (cuDNN's heuristic ranking, or timing each).
//
// Output strategy (ConvOutputStrategy): when `out` is a channel slice of an NHWC concat root
// (pixel stride > C), cuDNN may or may not accept the pixel-strided output descriptor for
// its algorithms; that is a property of the library and device. kAuto asks for kStrided
// and falls back to kDenseThenCopy only when cuDNN says "not supported" (every algorithm of
// the ranking reports a CUDNN_STATUS_NOT_SUPPORTED* status, or the workspace query does),
// recording its answer in fallback_reason(). Since the legacy queries describe the plain
// convolution, not the fused call, kAuto given trial buffers (TypedConvConfig::trial) also
// runs the fused call once on them and falls back as well if that returns "not supported".
// kDenseThenCopy: cuDNN writes a dense T NHWC
// scratch (dense_output_bytes()), then our typed strided copy writes the slice. An output
// in another format than T NHWC (fp32 NCHW: a conv that is a graph output) always takes
// kDenseThenCopy, the copy converting.
//
// Threads: built once per context; Forward is const and only enqueues on the handle's
// stream, so one object serves the one stream its context binds it to.
#pragma once

#include <cudnn.h>

#include <cstddef>
#include <string>

#include "cuda/kernels/any_tensor_ref.h"
#include "cuda/plan/conv_descriptors.h"
#include "graph/op.h"

namespace incept {
namespace cuda {

// Device buffers for one trial launch while the output strategy is chosen (kAuto only):
// the layer's input (or any buffer of its size), weight, bias and output; the output's
// contents are overwritten.
struct TypedConvTrial {
  const void* in = nullptr;
  const void* weight = nullptr;
  const void* bias = nullptr;
  void* out = nullptr;
};

struct TypedConvConfig {
  simt::AnyTensorRef in;  // geometry only (data unused): T NHWC, possibly strided
  Conv2dAttrs attrs;
  simt::AnyTensorRef out;  // geometry only: the node's value (a slice, dense, any format)
  ConvOutputRequest output = ConvOutputRequest::kAuto;
  size_t max_workspace_bytes = size_t{64} << 20;
  bool choose_by_timing = false;          // cudnnFindConvolutionForwardAlgorithm instead of v7
  int forced_algorithm = -1;              // >= 0: this algorithm (a recorded tactic), no query
  const TypedConvTrial* trial = nullptr;  // kAuto: try the strided output once on these
};

class CudnnConvTyped {
 public:
  // Builds the descriptors and chooses the algorithm and the output strategy; throws
  // incept::Error naming what cuDNN refused.
  CudnnConvTyped(cudnnHandle_t handle, const TypedConvConfig& config);
  ~CudnnConvTyped();
  CudnnConvTyped(const CudnnConvTyped&) = delete;
  CudnnConvTyped& operator=(const CudnnConvTyped&) = delete;

  ConvOutputStrategy output_strategy() const { return strategy_; }
  // Why kStrided was not taken under kAuto (cuDNN's status), or why the output needs a
  // copy; "" when the output is written directly.
  const std::string& fallback_reason() const { return fallback_reason_; }
  // "cuDNN fp16 NHWC algo 1, output strided" or "... output dense+copy (reason)".
  std::string Describe() const;
  cudnnConvolutionFwdAlgo_t algorithm() const { return algorithm_; }
  size_t workspace_bytes() const { return workspace_bytes_; }  // cuDNN's
  size_t dense_output_bytes() const;                           // kDenseThenCopy's scratch

  // Enqueues on the handle's stream. in: T NHWC as config.in; weight: T OHWI; bias: T [K]
  // (required when attrs.has_bias); out: config.out's geometry with its data; workspace:
  // workspace_bytes(); dense_output: dense_output_bytes() (kDenseThenCopy).
  void Forward(cudnnHandle_t handle, const void* in, const void* weight, const void* bias,
               const simt::AnyTensorRef& out, void* workspace, void* dense_output) const;

 private:
  // Describes the output as `target` and chooses an algorithm: CUDNN_STATUS_SUCCESS, or
  // the "not supported" status cuDNN gave (any other failure throws).
  cudnnStatus_t Configure(cudnnHandle_t handle, const simt::AnyTensorRef& target, std::string* why);
  // The cuDNN call of Forward on `target` (the fused call, or the plain one), its status.
  cudnnStatus_t LaunchCudnn(cudnnHandle_t handle, const void* in, const void* weight,
                            const void* bias, void* target, void* workspace) const;
  // One launch on config_.trial with a workspace of its own, synchronised: SUCCESS, or the
  // "not supported" status (any other failure throws).
  cudnnStatus_t Trial(cudnnHandle_t handle, std::string* why) const;
  void DestroyDescriptors() noexcept;

  TypedConvConfig config_;
  ElementType type_ = ElementType::kF16;
  ConvOutputStrategy strategy_ = ConvOutputStrategy::kStrided;
  std::string fallback_reason_;
  cudnnTensorDescriptor_t in_desc_ = nullptr, out_desc_ = nullptr, bias_desc_ = nullptr;
  cudnnFilterDescriptor_t filter_desc_ = nullptr;
  cudnnConvolutionDescriptor_t conv_desc_ = nullptr;
  cudnnActivationDescriptor_t act_desc_ = nullptr;
  cudnnConvolutionFwdAlgo_t algorithm_ = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
  size_t workspace_bytes_ = 0;
};

}  // namespace cuda
}  // namespace incept

// One convolution layer on cuDNN with its bias and activation fused:
//
//   out = act(conv(in, weight) + bias)        cudnnConvolutionBiasActivationForward
//
// Input and output are described with explicit strides (cudnnSetTensor4dDescriptorEx:
// n-stride = batch stride, c-stride = H*W, h-stride = W, w-stride = 1), so either may be a
// channel slice: a branch writes straight into its slice of the concat buffer.
// Without a bias: cudnnConvolutionForward, then our BiasActivation kernel for the ReLU.
// Algorithm: cuDNN's heuristic ranking (v7), the first that succeeds within the workspace
// limit; a bias with no activation (IDENTITY) needs IMPLICIT_PRECOMP_GEMM, a cuDNN rule.
// Precision: fp32 is exact (CUDNN_FMA_MATH); kTf32 lets cuDNN use TF32 tensor cores.
// Padding must be symmetric (cuDNN's legacy API has one pad per axis).
#pragma once

#include <cudnn.h>

#include <cstddef>
#include <cstdint>

#include "graph/op.h"
#include "graph/shape.h"

namespace incept {
namespace cuda {

enum class ConvMath { kFp32, kTf32 };

struct CudnnConvConfig {
  Shape in;
  int64_t in_batch_stride = 0;  // 0: dense (C*H*W)
  Conv2dAttrs attrs;
  Shape out;
  int64_t out_batch_stride = 0;  // 0: dense
  ConvMath math = ConvMath::kFp32;
  size_t max_workspace_bytes = size_t{64} << 20;
  // Choose by timing every algorithm on these descriptors (cudnnFindConvolutionForward-
  // Algorithm: runs them once, on scratch memory it allocates) instead of cuDNN's heuristic.
  bool choose_by_timing = false;
  // >= 0: use this cudnnConvolutionFwdAlgo_t (a recorded tactic), choosing nothing. Ignored
  // for a conv with bias and no activation (cuDNN's fused IDENTITY path needs
  // IMPLICIT_PRECOMP_GEMM).
  int forced_algorithm = -1;
};

// Destroys whichever of a conv's descriptors exist and sets them to null (the fp32 and the
// fp16/bf16 conv share this). Never throws.
void DestroyConvDescriptors(cudnnTensorDescriptor_t& in, cudnnTensorDescriptor_t& out,
                            cudnnTensorDescriptor_t& bias, cudnnFilterDescriptor_t& filter,
                            cudnnConvolutionDescriptor_t& conv,
                            cudnnActivationDescriptor_t& activation) noexcept;

class CudnnConv {
 public:
  // Validates the configuration against cuDNN's output size; throws incept::Error.
  CudnnConv(cudnnHandle_t handle, const CudnnConvConfig& config);
  ~CudnnConv();
  CudnnConv(const CudnnConv&) = delete;
  CudnnConv& operator=(const CudnnConv&) = delete;

  size_t workspace_bytes() const { return workspace_bytes_; }
  cudnnConvolutionFwdAlgo_t algorithm() const { return algorithm_; }

  // Enqueues on the handle's stream. weight: [Cout][Cin/groups][KH][KW]; bias: [Cout],
  // required when attrs.has_bias; workspace: workspace_bytes() of device memory.
  void Forward(cudnnHandle_t handle, const float* in, const float* weight, const float* bias,
               float* out, void* workspace) const;

 private:
  void DestroyDescriptors() noexcept;

  CudnnConvConfig config_;
  cudnnTensorDescriptor_t in_desc_ = nullptr, out_desc_ = nullptr, bias_desc_ = nullptr;
  cudnnFilterDescriptor_t filter_desc_ = nullptr;
  cudnnConvolutionDescriptor_t conv_desc_ = nullptr;
  cudnnActivationDescriptor_t act_desc_ = nullptr;
  cudnnConvolutionFwdAlgo_t algorithm_ = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
  size_t workspace_bytes_ = 0;
};

}  // namespace cuda
}  // namespace incept

// CudnnConv: descriptors with explicit strides, algorithm choice, fused bias + activation.
#include "cuda/cudnn_conv.h"

#include <string>
#include <vector>

#include "cuda/bias_activation.cuh"
#include "cuda/check.h"
#include "graph/error.h"

namespace incept {
namespace cuda {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw Error("cuDNN conv: " + what); }

void SetStridedTensor(cudnnTensorDescriptor_t desc, const Shape& s, int64_t batch_stride) {
  CUDNN_CHECK(cudnnSetTensor4dDescriptorEx(desc, CUDNN_DATA_FLOAT, static_cast<int>(s.n),
                                           static_cast<int>(s.c), static_cast<int>(s.h),
                                           static_cast<int>(s.w), static_cast<int>(batch_stride),
                                           static_cast<int>(s.h * s.w), static_cast<int>(s.w), 1));
}

}  // namespace

CudnnConv::CudnnConv(cudnnHandle_t handle, const CudnnConvConfig& config) : config_(config) {
  CudnnConvConfig& c = config_;
  const Conv2dAttrs& a = c.attrs;
  const Window2d& w = a.window;
  if (c.in_batch_stride == 0) c.in_batch_stride = c.in.per_image();
  if (c.out_batch_stride == 0) c.out_batch_stride = c.out.per_image();
  if (c.in_batch_stride < c.in.per_image() || c.out_batch_stride < c.out.per_image())
    Fail("batch stride smaller than C*H*W");
  if (c.in_batch_stride > INT32_MAX || c.out_batch_stride > INT32_MAX)
    Fail("tensor too large for cuDNN's 32-bit strides");
  if (w.pad_top != w.pad_bottom || w.pad_left != w.pad_right)
    Fail("asymmetric padding is not supported by cuDNN's convolution descriptor");
  if (a.groups < 1 || c.in.c % a.groups != 0 || a.out_channels % a.groups != 0)
    Fail("channels not divisible by groups " + std::to_string(a.groups));
  if (a.out_channels != c.out.c || c.in.n != c.out.n)
    Fail("output shape " + c.out.str() + " does not match " + std::to_string(a.out_channels) +
         " output channels and the input batch");

  try {
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&in_desc_));
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&out_desc_));
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&bias_desc_));
    CUDNN_CHECK(cudnnCreateFilterDescriptor(&filter_desc_));
    CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&conv_desc_));
    CUDNN_CHECK(cudnnCreateActivationDescriptor(&act_desc_));

    SetStridedTensor(in_desc_, c.in, c.in_batch_stride);
    SetStridedTensor(out_desc_, c.out, c.out_batch_stride);
    CUDNN_CHECK(cudnnSetTensor4dDescriptor(bias_desc_, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1,
                                           a.out_channels, 1, 1));
    CUDNN_CHECK(cudnnSetFilter4dDescriptor(filter_desc_, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW,
                                           a.out_channels, static_cast<int>(c.in.c) / a.groups,
                                           w.kernel_h, w.kernel_w));
    CUDNN_CHECK(cudnnSetConvolution2dDescriptor(conv_desc_, w.pad_top, w.pad_left, w.stride_h,
                                                w.stride_w, 1, 1, CUDNN_CROSS_CORRELATION,
                                                CUDNN_DATA_FLOAT));
    CUDNN_CHECK(cudnnSetConvolutionGroupCount(conv_desc_, a.groups));
    CUDNN_CHECK(cudnnSetConvolutionMathType(
        conv_desc_, c.math == ConvMath::kFp32 ? CUDNN_FMA_MATH : CUDNN_DEFAULT_MATH));
    CUDNN_CHECK(cudnnSetActivationDescriptor(
        act_desc_,
        a.activation == Activation::kReLU ? CUDNN_ACTIVATION_RELU : CUDNN_ACTIVATION_IDENTITY,
        CUDNN_PROPAGATE_NAN, 0.0));

    int n = 0, ch = 0, h = 0, wd = 0;
    CUDNN_CHECK(cudnnGetConvolution2dForwardOutputDim(conv_desc_, in_desc_, filter_desc_, &n, &ch,
                                                      &h, &wd));
    if (Shape{n, ch, h, wd} != c.out)
      Fail("output shape " + c.out.str() + ", cuDNN computes " + Shape{n, ch, h, wd}.str());

    if (a.has_bias && a.activation == Activation::kNone) {
      algorithm_ = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;  // IDENTITY needs it
    } else if (c.forced_algorithm >= 0) {
      if (c.forced_algorithm >= CUDNN_CONVOLUTION_FWD_ALGO_COUNT)
        Fail("algorithm " + std::to_string(c.forced_algorithm) +
             " is not a cuDNN forward convolution algorithm");
      algorithm_ = static_cast<cudnnConvolutionFwdAlgo_t>(c.forced_algorithm);
    } else {
      std::vector<cudnnConvolutionFwdAlgoPerf_t> perf(CUDNN_CONVOLUTION_FWD_ALGO_COUNT);
      int returned = 0;
      // Both calls return the candidates best first (by measured time, or by the heuristic).
      if (c.choose_by_timing) {
        CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithm(handle, in_desc_, filter_desc_, conv_desc_,
                                                         out_desc_, static_cast<int>(perf.size()),
                                                         &returned, perf.data()));
      } else {
        CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(
            handle, in_desc_, filter_desc_, conv_desc_, out_desc_, static_cast<int>(perf.size()),
            &returned, perf.data()));
      }
      bool found = false;
      for (int i = 0; i < returned && !found; ++i)
        if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].memory <= c.max_workspace_bytes) {
          algorithm_ = perf[i].algo;
          found = true;
        }
      if (!found)
        Fail("no algorithm fits the workspace limit of " + std::to_string(c.max_workspace_bytes) +
             " bytes; raise the limit");
    }
    CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(handle, in_desc_, filter_desc_, conv_desc_,
                                                        out_desc_, algorithm_, &workspace_bytes_));
    if (workspace_bytes_ > c.max_workspace_bytes)
      Fail("algorithm " + std::to_string(algorithm_) + " needs " +
           std::to_string(workspace_bytes_) + " bytes of workspace, over the limit of " +
           std::to_string(c.max_workspace_bytes));
  } catch (...) {
    DestroyDescriptors();
    throw;
  }
}

void DestroyConvDescriptors(cudnnTensorDescriptor_t& in, cudnnTensorDescriptor_t& out,
                            cudnnTensorDescriptor_t& bias, cudnnFilterDescriptor_t& filter,
                            cudnnConvolutionDescriptor_t& conv,
                            cudnnActivationDescriptor_t& activation) noexcept {
  if (activation) cudnnDestroyActivationDescriptor(activation);
  if (conv) cudnnDestroyConvolutionDescriptor(conv);
  if (filter) cudnnDestroyFilterDescriptor(filter);
  if (bias) cudnnDestroyTensorDescriptor(bias);
  if (out) cudnnDestroyTensorDescriptor(out);
  if (in) cudnnDestroyTensorDescriptor(in);
  activation = nullptr;
  conv = nullptr;
  filter = nullptr;
  bias = out = in = nullptr;
}

CudnnConv::~CudnnConv() { DestroyDescriptors(); }

void CudnnConv::DestroyDescriptors() noexcept {
  DestroyConvDescriptors(in_desc_, out_desc_, bias_desc_, filter_desc_, conv_desc_, act_desc_);
}

void CudnnConv::Forward(cudnnHandle_t handle, const float* in, const float* weight,
                        const float* bias, float* out, void* workspace) const {
  const Conv2dAttrs& a = config_.attrs;
  if (!in || !weight || !out) Fail("null input, weight or output");
  if (a.has_bias && !bias) Fail("the layer has a bias but none was given");
  if (workspace_bytes_ > 0 && !workspace) Fail("null workspace");
  const float one = 1.0f, zero = 0.0f;
  if (a.has_bias) {
    // z = y with alpha2 = 0: the prior output contributes nothing.
    CUDNN_CHECK(cudnnConvolutionBiasActivationForward(
        handle, &one, in_desc_, in, filter_desc_, weight, conv_desc_, algorithm_, workspace,
        workspace_bytes_, &zero, out_desc_, out, bias_desc_, bias, act_desc_, out_desc_, out));
    return;
  }
  CUDNN_CHECK(cudnnConvolutionForward(handle, &one, in_desc_, in, filter_desc_, weight, conv_desc_,
                                      algorithm_, workspace, workspace_bytes_, &zero, out_desc_,
                                      out));
  if (a.activation == Activation::kReLU) {
    cudaStream_t stream = nullptr;
    CUDNN_CHECK(cudnnGetStream(handle, &stream));
    BiasActivationForward(simt::TensorRef{out, config_.out, config_.out_batch_stride}, nullptr,
                          Activation::kReLU, stream);
  }
}

}  // namespace cuda
}  // namespace incept

// CudnnConvTyped: NHWC fp16/bf16 descriptors, the algorithm, the output strategy and the
// fused forward call (cudnn_conv_typed.h).
#include "cuda/cudnn_conv_typed.h"

#include <string>
#include <vector>

#include "cuda/check.h"
#include "cuda/cudnn_conv.h"
#include "cuda/device_arena.h"
#include "cuda/typed_elementwise.cuh"
#include "graph/error.h"

namespace incept {
namespace cuda {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw Error("cuDNN typed conv: " + what); }

// cuDNN 9 splits "not supported" into sub-codes (CUDNN_STATUS_NOT_SUPPORTED_LAYOUT, ...);
// its category macro groups them.
bool IsNotSupported(cudnnStatus_t status) {
#ifdef CUDNN_STATUS_CATEGORY
  return CUDNN_STATUS_CATEGORY(status) == CUDNN_STATUS_NOT_SUPPORTED;
#else
  return status == CUDNN_STATUS_NOT_SUPPORTED;
#endif
}

cudnnDataType_t CudnnType(ElementType type) {
  switch (type) {
    case ElementType::kF16:
      return CUDNN_DATA_HALF;
    case ElementType::kBF16:
      return CUDNN_DATA_BFLOAT16;
    case ElementType::kF32:
      break;
  }
  Fail("data must be fp16 or bf16, not fp32 (fp32 convs run in cuda/cudnn_conv.h)");
}

void SetActivationDescriptor(cudnnTensorDescriptor_t desc, cudnnDataType_t type,
                             const simt::AnyTensorRef& t) {
  const TensorDescriptorDims d = DescribeActivation(t);
  CUDNN_CHECK(cudnnSetTensor4dDescriptorEx(desc, type, d.dims[0], d.dims[1], d.dims[2], d.dims[3],
                                           d.strides[0], d.strides[1], d.strides[2], d.strides[3]));
}

std::string Format(const simt::AnyTensorRef& t) {
  return std::string(ElementTypeName(t.type)) + " " + LayoutName(t.layout);
}

}  // namespace

CudnnConvTyped::CudnnConvTyped(cudnnHandle_t handle, const TypedConvConfig& config)
    : config_(config), type_(config.in.type) {
  const TypedConvConfig& c = config_;
  const Conv2dAttrs& a = c.attrs;
  const Window2d& w = a.window;
  const cudnnDataType_t data_type = CudnnType(type_);
  if (c.in.layout != Layout::kNHWC) Fail("input must be NHWC, not " + Format(c.in));
  if (w.pad_top != w.pad_bottom || w.pad_left != w.pad_right)
    Fail("asymmetric padding is not supported by cuDNN's convolution descriptor");
  if (a.groups < 1 || c.in.shape.c % a.groups != 0 || a.out_channels % a.groups != 0)
    Fail("channels not divisible by groups " + std::to_string(a.groups));
  if (a.out_channels != c.out.shape.c || c.in.shape.n != c.out.shape.n)
    Fail("output shape " + c.out.shape.str() + " does not match " + std::to_string(a.out_channels) +
         " output channels and the input batch");

  try {
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&in_desc_));
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&out_desc_));
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&bias_desc_));
    CUDNN_CHECK(cudnnCreateFilterDescriptor(&filter_desc_));
    CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&conv_desc_));
    CUDNN_CHECK(cudnnCreateActivationDescriptor(&act_desc_));

    SetActivationDescriptor(in_desc_, data_type, c.in);
    CUDNN_CHECK(cudnnSetFilter4dDescriptor(
        filter_desc_, data_type, CUDNN_TENSOR_NHWC, a.out_channels,
        static_cast<int>(c.in.shape.c) / a.groups, w.kernel_h, w.kernel_w));
    CUDNN_CHECK(cudnnSetConvolution2dDescriptor(conv_desc_, w.pad_top, w.pad_left, w.stride_h,
                                                w.stride_w, 1, 1, CUDNN_CROSS_CORRELATION,
                                                CUDNN_DATA_FLOAT));
    CUDNN_CHECK(cudnnSetConvolutionGroupCount(conv_desc_, a.groups));
    CUDNN_CHECK(cudnnSetConvolutionMathType(conv_desc_, CUDNN_TENSOR_OP_MATH));
    CUDNN_CHECK(cudnnSetTensor4dDescriptor(bias_desc_, CUDNN_TENSOR_NCHW, data_type, 1,
                                           a.out_channels, 1, 1));
    CUDNN_CHECK(cudnnSetActivationDescriptor(
        act_desc_,
        a.activation == Activation::kReLU ? CUDNN_ACTIVATION_RELU : CUDNN_ACTIVATION_IDENTITY,
        CUDNN_PROPAGATE_NAN, 0.0));

    int n = 0, ch = 0, h = 0, wd = 0;
    CUDNN_CHECK(cudnnGetConvolution2dForwardOutputDim(conv_desc_, in_desc_, filter_desc_, &n, &ch,
                                                      &h, &wd));
    const Shape& o = c.out.shape;
    if (n != o.n || ch != o.c || h != o.h || wd != o.w)
      Fail("output shape " + o.str() + ", cuDNN computes " + Shape{n, ch, h, wd}.str());

    // The output strategy (cudnn_conv_typed.h).
    const simt::AnyTensorRef dense = DenseNhwc(nullptr, c.out.shape, type_);
    const bool typed_nhwc = c.out.type == type_ && c.out.layout == Layout::kNHWC;
    std::string why;
    if (!typed_nhwc) {
      strategy_ = ConvOutputStrategy::kDenseThenCopy;
      fallback_reason_ =
          "the output is " + Format(c.out) + ", cuDNN writes " + ElementTypeName(type_) + " NHWC";
    } else if (IsDense(c.out)) {
      strategy_ = ConvOutputStrategy::kStrided;  // nothing to stride over: written directly
    } else if (c.output == ConvOutputRequest::kDenseThenCopy) {
      strategy_ = ConvOutputStrategy::kDenseThenCopy;
      fallback_reason_ = "dense+copy requested (ContextOptions::conv_output)";
    } else {
      cudnnStatus_t status = Configure(handle, c.out, &why);
      if (status == CUDNN_STATUS_SUCCESS && c.trial && c.output == ConvOutputRequest::kAuto) {
        status = Trial(handle, &why);
        if (status != CUDNN_STATUS_SUCCESS) why = "at execution: " + why;
      }
      if (status == CUDNN_STATUS_SUCCESS) {
        strategy_ = ConvOutputStrategy::kStrided;
        return;
      }
      if (c.output == ConvOutputRequest::kStrided)
        Fail("cuDNN does not support the pixel-strided output " + c.out.shape.str() +
             " (pixel stride " + std::to_string(c.out.pixel_stride) + "): " + why);
      strategy_ = ConvOutputStrategy::kDenseThenCopy;
      fallback_reason_ = "cuDNN refused the pixel-strided output (pixel stride " +
                         std::to_string(c.out.pixel_stride) + "): " + why;
    }
    const simt::AnyTensorRef& target = strategy_ == ConvOutputStrategy::kStrided ? c.out : dense;
    if (Configure(handle, target, &why) != CUDNN_STATUS_SUCCESS)
      Fail("cuDNN supports no algorithm for this layer: " + why);
  } catch (...) {
    DestroyDescriptors();
    throw;
  }
}

cudnnStatus_t CudnnConvTyped::Configure(cudnnHandle_t handle, const simt::AnyTensorRef& target,
                                        std::string* why) {
  const TypedConvConfig& c = config_;
  SetActivationDescriptor(out_desc_, CudnnType(type_), target);
  if (c.attrs.has_bias && c.attrs.activation == Activation::kNone) {
    algorithm_ = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;  // IDENTITY needs it
  } else if (c.forced_algorithm >= 0) {
    // A recorded tactic (an engine file, a timing cache): bound as it is, nothing timed; an
    // algorithm cuDNN cannot run here fails in the workspace query below or at execution.
    if (c.forced_algorithm >= CUDNN_CONVOLUTION_FWD_ALGO_COUNT)
      Fail("recorded algorithm " + std::to_string(c.forced_algorithm) +
           " is not a cuDNN algorithm");
    algorithm_ = static_cast<cudnnConvolutionFwdAlgo_t>(c.forced_algorithm);
  } else {
    std::vector<cudnnConvolutionFwdAlgoPerf_t> perf(CUDNN_CONVOLUTION_FWD_ALGO_COUNT);
    int returned = 0;
    // Both return the candidates best first (by measured time, or by the heuristic).
    const cudnnStatus_t query = c.choose_by_timing
                                    ? cudnnFindConvolutionForwardAlgorithm(
                                          handle, in_desc_, filter_desc_, conv_desc_, out_desc_,
                                          static_cast<int>(perf.size()), &returned, perf.data())
                                    : cudnnGetConvolutionForwardAlgorithm_v7(
                                          handle, in_desc_, filter_desc_, conv_desc_, out_desc_,
                                          static_cast<int>(perf.size()), &returned, perf.data());
    if (IsNotSupported(query)) {
      *why = std::string("algorithm query: ") + cudnnGetErrorString(query);
      return query;
    }
    CUDNN_CHECK(query);
    bool found = false, any_success = false;
    for (int i = 0; i < returned && !found; ++i) {
      if (perf[i].status != CUDNN_STATUS_SUCCESS) continue;
      any_success = true;
      if (perf[i].memory <= c.max_workspace_bytes) {
        algorithm_ = perf[i].algo;
        found = true;
      }
    }
    if (!found && any_success)
      Fail("no algorithm fits the workspace limit of " + std::to_string(c.max_workspace_bytes) +
           " bytes; raise the limit");
    if (!found) {
      const cudnnStatus_t first = returned > 0 ? perf[0].status : CUDNN_STATUS_NOT_SUPPORTED;
      *why = "every algorithm of the ranking failed (first: algo " +
             std::to_string(returned > 0 ? perf[0].algo : 0) + ", " + cudnnGetErrorString(first) +
             ")";
      if (!IsNotSupported(first)) Fail(*why);
      return first;
    }
  }
  const cudnnStatus_t size = cudnnGetConvolutionForwardWorkspaceSize(
      handle, in_desc_, filter_desc_, conv_desc_, out_desc_, algorithm_, &workspace_bytes_);
  if (IsNotSupported(size)) {
    *why =
        "workspace query for algo " + std::to_string(algorithm_) + ": " + cudnnGetErrorString(size);
    return size;
  }
  CUDNN_CHECK(size);
  if (workspace_bytes_ > c.max_workspace_bytes)
    Fail("algorithm " + std::to_string(algorithm_) + " needs " + std::to_string(workspace_bytes_) +
         " bytes of workspace, over the limit of " + std::to_string(c.max_workspace_bytes));
  return CUDNN_STATUS_SUCCESS;
}

CudnnConvTyped::~CudnnConvTyped() { DestroyDescriptors(); }

void CudnnConvTyped::DestroyDescriptors() noexcept {
  DestroyConvDescriptors(in_desc_, out_desc_, bias_desc_, filter_desc_, conv_desc_, act_desc_);
}

size_t CudnnConvTyped::dense_output_bytes() const {
  if (strategy_ != ConvOutputStrategy::kDenseThenCopy) return 0;
  return static_cast<size_t>(config_.out.shape.elements() * ElementSize(type_));
}

std::string CudnnConvTyped::Describe() const {
  std::string s = std::string("cuDNN ") + ElementTypeName(type_) + " NHWC algo " +
                  std::to_string(static_cast<int>(algorithm_)) + ", output " +
                  ConvOutputStrategyName(strategy_);
  if (!fallback_reason_.empty()) s += " (" + fallback_reason_ + ")";
  return s;
}

cudnnStatus_t CudnnConvTyped::LaunchCudnn(cudnnHandle_t handle, const void* in, const void* weight,
                                          const void* bias, void* target, void* workspace) const {
  // Scaling factors are float for half and bfloat16 data (cuDNN: float except for double).
  const float one = 1.0f, zero = 0.0f;
  if (config_.attrs.has_bias)  // z = y with alpha2 = 0: the prior output contributes nothing
    return cudnnConvolutionBiasActivationForward(
        handle, &one, in_desc_, in, filter_desc_, weight, conv_desc_, algorithm_, workspace,
        workspace_bytes_, &zero, out_desc_, target, bias_desc_, bias, act_desc_, out_desc_, target);
  return cudnnConvolutionForward(handle, &one, in_desc_, in, filter_desc_, weight, conv_desc_,
                                 algorithm_, workspace, workspace_bytes_, &zero, out_desc_, target);
}

cudnnStatus_t CudnnConvTyped::Trial(cudnnHandle_t handle, std::string* why) const {
  const TypedConvTrial& t = *config_.trial;
  if (!t.in || !t.weight || !t.out || (config_.attrs.has_bias && !t.bias))
    Fail("trial launch without its buffers");
  DeviceArena workspace(workspace_bytes_);
  const cudnnStatus_t status = LaunchCudnn(handle, t.in, t.weight, t.bias, t.out,
                                           workspace.size() ? workspace.base() : nullptr);
  if (IsNotSupported(status)) {
    *why = std::string("algo ") + std::to_string(static_cast<int>(algorithm_)) + ": " +
           cudnnGetErrorString(status);
    return status;
  }
  CUDNN_CHECK(status);
  cudaStream_t stream = nullptr;
  CUDNN_CHECK(cudnnGetStream(handle, &stream));
  CUDA_CHECK(cudaStreamSynchronize(stream));
  return CUDNN_STATUS_SUCCESS;
}

void CudnnConvTyped::Forward(cudnnHandle_t handle, const void* in, const void* weight,
                             const void* bias, const simt::AnyTensorRef& out, void* workspace,
                             void* dense_output) const {
  const Conv2dAttrs& a = config_.attrs;
  if (!in || !weight || !out.data) Fail("null input, weight or output");
  if (a.has_bias && !bias) Fail("the layer has a bias but none was given");
  if (workspace_bytes_ > 0 && !workspace) Fail("null workspace");
  const bool dense = strategy_ == ConvOutputStrategy::kDenseThenCopy;
  if (dense && !dense_output) Fail("null dense output scratch");
  const simt::AnyTensorRef target = dense ? DenseNhwc(dense_output, out.shape, type_) : out;
  cudaStream_t stream = nullptr;
  CUDNN_CHECK(cudnnGetStream(handle, &stream));
  CUDNN_CHECK(LaunchCudnn(handle, in, weight, bias, target.data, workspace));
  if (!a.has_bias && a.activation == Activation::kReLU)
    TypedCopyForward(target, target, Activation::kReLU, stream);
  if (dense) TypedCopyForward(target, out, Activation::kNone, stream);
}

}  // namespace cuda
}  // namespace incept

// The fused-vs-pair timer (see cuda/fused_pair_timing.h).
#include "cuda/fused_pair_timing.h"

#include <cudnn.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cuda/check.h"
#include "cuda/fused_reduce_conv_tc.cuh"
#include "graph/error.h"
#include "graph/window_output_size.h"

namespace incept {
namespace cuda {
namespace {

// A device allocation freed on scope exit.
struct DeviceMemory {
  void* p = nullptr;
  explicit DeviceMemory(size_t bytes) { CUDA_CHECK(cudaMalloc(&p, bytes ? bytes : 1)); }
  ~DeviceMemory() { cudaFree(p); }
  DeviceMemory(const DeviceMemory&) = delete;
  DeviceMemory& operator=(const DeviceMemory&) = delete;
};

template <typename T>
std::unique_ptr<DeviceMemory> Upload(const std::vector<T>& host) {
  auto d = std::make_unique<DeviceMemory>(host.size() * sizeof(T));
  CUDA_CHECK(cudaMemcpy(d->p, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
  return d;
}

std::vector<float> Random(size_t n, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

std::vector<uint16_t> Bits(simt::TcElement e, const std::vector<float>& v) {
  std::vector<uint16_t> b(v.size());
  for (size_t i = 0; i < v.size(); ++i) b[i] = simt::TcBits(e, v[i]);
  return b;
}

// Mean milliseconds of `iterations` runs of `body` after `warmup` runs.
double TimeMs(cudaStream_t stream, int warmup, int iterations, const std::function<void()>& body) {
  for (int i = 0; i < warmup; ++i) body();
  cudaEvent_t start = nullptr, stop = nullptr;
  CUDA_CHECK(cudaEventCreate(&start));
  CUDA_CHECK(cudaEventCreate(&stop));
  float ms = 0.0f;
  try {
    CUDA_CHECK(cudaEventRecord(start, stream));
    for (int i = 0; i < iterations; ++i) body();
    CUDA_CHECK(cudaEventRecord(stop, stream));
    CUDA_CHECK(cudaEventSynchronize(stop));
    CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
  } catch (...) {
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    throw;
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return ms / iterations;
}

// One cuDNN conv + bias + ReLU, NHWC, 16-bit tensors, fp32 accumulation, tensor-op math.
class CudnnHalfConv {
 public:
  CudnnHalfConv(cudnnHandle_t handle, cudnnDataType_t type, int n, int c, int h, int w, int k,
                int kernel, int pad, size_t workspace_limit) {
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&x_));
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&y_));
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&bias_));
    CUDNN_CHECK(cudnnCreateFilterDescriptor(&w_));
    CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&conv_));
    CUDNN_CHECK(cudnnCreateActivationDescriptor(&act_));
    const int oh = h + 2 * pad - kernel + 1, ow = w + 2 * pad - kernel + 1;
    CUDNN_CHECK(cudnnSetTensor4dDescriptor(x_, CUDNN_TENSOR_NHWC, type, n, c, h, w));
    CUDNN_CHECK(cudnnSetTensor4dDescriptor(y_, CUDNN_TENSOR_NHWC, type, n, k, oh, ow));
    CUDNN_CHECK(cudnnSetTensor4dDescriptor(bias_, CUDNN_TENSOR_NHWC, type, 1, k, 1, 1));
    CUDNN_CHECK(cudnnSetFilter4dDescriptor(w_, type, CUDNN_TENSOR_NHWC, k, c, kernel, kernel));
    CUDNN_CHECK(cudnnSetConvolution2dDescriptor(conv_, pad, pad, 1, 1, 1, 1,
                                                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    CUDNN_CHECK(cudnnSetConvolutionMathType(conv_, CUDNN_TENSOR_OP_MATH));
    CUDNN_CHECK(
        cudnnSetActivationDescriptor(act_, CUDNN_ACTIVATION_RELU, CUDNN_PROPAGATE_NAN, 0.0));
    std::vector<cudnnConvolutionFwdAlgoPerf_t> perf(CUDNN_CONVOLUTION_FWD_ALGO_COUNT);
    int returned = 0;
    CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithm(
        handle, x_, w_, conv_, y_, static_cast<int>(perf.size()), &returned, perf.data()));
    for (int i = 0; i < returned; ++i)
      if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].memory <= workspace_limit) {
        algo_ = perf[i].algo;
        CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(handle, x_, w_, conv_, y_, algo_,
                                                            &workspace_bytes_));
        return;
      }
    throw Error("cuDNN: no fp16/bf16 NHWC algorithm for a " + std::to_string(kernel) + "x" +
                std::to_string(kernel) + " conv fits the workspace limit");
  }
  ~CudnnHalfConv() {
    cudnnDestroyActivationDescriptor(act_);
    cudnnDestroyConvolutionDescriptor(conv_);
    cudnnDestroyFilterDescriptor(w_);
    cudnnDestroyTensorDescriptor(bias_);
    cudnnDestroyTensorDescriptor(y_);
    cudnnDestroyTensorDescriptor(x_);
  }
  CudnnHalfConv(const CudnnHalfConv&) = delete;
  CudnnHalfConv& operator=(const CudnnHalfConv&) = delete;

  size_t workspace_bytes() const { return workspace_bytes_; }
  int algorithm() const { return static_cast<int>(algo_); }

  void Forward(cudnnHandle_t handle, const void* x, const void* w, const void* bias, void* y,
               void* workspace) const {
    const float one = 1.0f, zero = 0.0f;
    CUDNN_CHECK(cudnnConvolutionBiasActivationForward(handle, &one, x_, x, w_, w, conv_, algo_,
                                                      workspace, workspace_bytes_, &zero, y_, y,
                                                      bias_, bias, act_, y_, y));
  }

 private:
  cudnnTensorDescriptor_t x_ = nullptr, y_ = nullptr, bias_ = nullptr;
  cudnnFilterDescriptor_t w_ = nullptr;
  cudnnConvolutionDescriptor_t conv_ = nullptr;
  cudnnActivationDescriptor_t act_ = nullptr;
  cudnnConvolutionFwdAlgo_t algo_ = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
  size_t workspace_bytes_ = 0;
};

struct CudnnHandle {
  cudnnHandle_t h = nullptr;
  explicit CudnnHandle(cudaStream_t stream) {
    CUDNN_CHECK(cudnnCreate(&h));
    CUDNN_CHECK(cudnnSetStream(h, stream));
  }
  ~CudnnHandle() { cudnnDestroy(h); }
  CudnnHandle(const CudnnHandle&) = delete;
  CudnnHandle& operator=(const CudnnHandle&) = delete;
};

}  // namespace

FusedPairTiming TimeFusedReduceConvPair(const FusedPairTimingRequest& r, cudaStream_t stream) {
  const FusedReduceConvAttrs& a = r.attrs;
  const Window2d& win = a.conv.window;
  if (r.batch < 1 || r.height < 1 || r.width < 1 || r.iterations < 1)
    throw Error("TimeFusedReduceConvPair: batch, height, width and iterations must be >= 1");
  if (win.kernel_h != win.kernel_w || win.pad_top != win.pad_bottom ||
      win.pad_left != win.pad_right || win.pad_top != win.pad_left || win.stride_h != 1 ||
      win.stride_w != 1)
    throw Error(
        "TimeFusedReduceConvPair: the cuDNN pair is timed for square, stride-1 convs "
        "with symmetric padding only");
  const int n = r.batch, h = r.height, w = r.width, cin = a.in_channels;
  const int cr = a.reduce_channels, cout = a.conv.out_channels, k = win.kernel_h;
  const int oh = WindowOutputSize(h, k, 1, win.pad_top, win.pad_bottom, false);
  const int ow = WindowOutputSize(w, k, 1, win.pad_left, win.pad_right, false);
  const simt::TcElement e = r.element;
  const cudnnDataType_t type = e == simt::TcElement::kHalf ? CUDNN_DATA_HALF : CUDNN_DATA_BFLOAT16;

  const auto w1 = Random(static_cast<size_t>(cr) * cin, 1, -0.05f, 0.05f);
  const auto w2 = Random(static_cast<size_t>(cout) * cr * k * k, 2, -0.05f, 0.05f);
  const auto b1 = Random(cr, 3, 0.0f, 0.1f), b2 = Random(cout, 4, -0.1f, 0.1f);
  auto x = Upload(Bits(e, Random(static_cast<size_t>(n) * h * w * cin, 5, -1.0f, 1.0f)));
  auto out = std::make_unique<DeviceMemory>(static_cast<size_t>(n) * oh * ow * cout * 2);
  auto db1 = Upload(b1), db2 = Upload(b2);

  FusedPairTiming result;
  result.fused_supported = SupportsFusedReduceConvTc(a, &result.why_not);
  if (result.fused_supported) {
    const auto packed = simt::PackFusedReduceConvTcWeights(e, a, w1.data(), w2.data());
    auto dw1 = Upload(packed.reduce_weight), dw2 = Upload(packed.weight);
    simt::FusedReduceConvTcArgs args;
    args.element = e;
    args.in_shape = {n, cin, h, w};
    args.in = x->p;
    args.reduce_weight = dw1->p;
    args.reduce_bias = static_cast<const float*>(db1->p);
    args.weight = dw2->p;
    args.bias = static_cast<const float*>(db2->p);
    args.attrs = a;
    args.out_shape = {n, cout, oh, ow};
    args.out = out->p;
    result.fused_ms = -1.0;
    for (int tile_h : r.tile_h_candidates)
      for (int candidate : r.cout_per_block_candidates) {
        args.tile_h = tile_h;
        args.cout_per_block = candidate;
        const double ms =
            TimeMs(stream, r.warmup, r.iterations, [&] { FusedReduceConvTcForward(args, stream); });
        if (result.fused_ms < 0.0 || ms < result.fused_ms) {
          result.fused_ms = ms;
          result.best_cout_per_block = candidate;
          result.best_tile_h = tile_h;
        }
      }
  }

  // The cuDNN pair: weights in cuDNN's NHWC filter layout (KRSC), biases in the element type.
  std::vector<float> w2_krsc(w2.size());
  for (int o = 0; o < cout; ++o)
    for (int c = 0; c < cr; ++c)
      for (int y = 0; y < k; ++y)
        for (int xx = 0; xx < k; ++xx)
          w2_krsc[((static_cast<size_t>(o) * k + y) * k + xx) * cr + c] =
              w2[((static_cast<size_t>(o) * cr + c) * k + y) * k + xx];
  auto cw1 = Upload(Bits(e, w1)), cw2 = Upload(Bits(e, w2_krsc));
  auto cb1 = Upload(Bits(e, b1)), cb2 = Upload(Bits(e, b2));
  auto z = std::make_unique<DeviceMemory>(static_cast<size_t>(n) * h * w * cr * 2);
  constexpr size_t kWorkspaceLimit = size_t{256} << 20;
  CudnnHandle handle(stream);
  const CudnnHalfConv reduce(handle.h, type, n, cin, h, w, cr, 1, 0, kWorkspaceLimit);
  const CudnnHalfConv conv(handle.h, type, n, cr, h, w, cout, k, win.pad_top, kWorkspaceLimit);
  DeviceMemory workspace(std::max(reduce.workspace_bytes(), conv.workspace_bytes()));
  result.reduce_algo = reduce.algorithm();
  result.conv_algo = conv.algorithm();
  auto run_reduce = [&] { reduce.Forward(handle.h, x->p, cw1->p, cb1->p, z->p, workspace.p); };
  auto run_conv = [&] { conv.Forward(handle.h, z->p, cw2->p, cb2->p, out->p, workspace.p); };
  result.reduce_ms = TimeMs(stream, r.warmup, r.iterations, run_reduce);
  result.conv_ms = TimeMs(stream, r.warmup, r.iterations, run_conv);
  result.pair_ms = TimeMs(stream, r.warmup, r.iterations, [&] {
    run_reduce();
    run_conv();
  });
  return result;
}

}  // namespace cuda
}  // namespace incept

// Reduced precision on the GPU (label gpu; skipped without a device): the kernels templated
// on element type and layout give the emulator's bits at fp32, fp16 and bf16 in NCHW and
// NHWC; --precision tf32 stays within its bound of the fp32 host with the same top-5;
// bf16 and tf32 below compute capability 8.0 are one-line errors. fp16/bf16 plans end to
// end: tests/cuda/precision_fp16_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "cuda/adaptive_avg_pool.cuh"
#include "cuda/convert.cuh"
#include "cuda/emu/typed_emu.h"
#include "cuda/lrn.cuh"
#include "cuda/pool.cuh"
#include "tests/cuda/backend_test_util.h"
#include "tests/emu/typed_test_util.h"

namespace incept {
namespace {

using typed_test::FillRandom;
using typed_test::TypedSlice;

// A device copy of a TypedSlice's whole root.
struct DeviceTyped {
  TypedSlice& host;
  gpu_test::DeviceBuffer<uint8_t> buffer;
  explicit DeviceTyped(TypedSlice& h) : host(h), buffer(h.bytes) {}
  simt::AnyTensorRef ref() const {
    simt::AnyTensorRef r = host.ref();
    r.data = buffer.get() + (static_cast<uint8_t*>(r.data) - host.bytes.data());
    return r;
  }
};

int ComputeMajor() {
  int device = 0, major = 0;
  CUDA_CHECK(cudaGetDevice(&device));
  CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  return major;
}

class TypedKernelsOnDevice : public ::testing::TestWithParam<std::tuple<ElementType, Layout>> {};

// Same source, same fp32 arithmetic, round to nearest even on both sides: the same bits.
TEST_P(TypedKernelsOnDevice, PoolAndConvertEqualTheEmulator) {
  INCEPT_REQUIRE_GPU();
  const auto [type, layout] = GetParam();
  for (bool max : {true, false}) {
    TypedSlice in({3, 6, 15, 13}, type, layout, 1, 2);
    FillRandom(in, 23);
    PoolAttrs attrs;
    attrs.window = {3, 3, 2, 2, 1, 1, 1, 1};
    attrs.ceil_mode = true;
    attrs.count_include_pad = false;
    TypedSlice want({3, 6, 8, 7}, type, layout, 2, 1), got = want;
    emu_kernels::PoolForward(max, in.ref(), attrs, want.ref());
    DeviceTyped d_in(in), d_out(got);
    cuda::PoolForward(max, d_in.ref(), attrs, d_out.ref(), nullptr);
    EXPECT_EQ(d_out.buffer.Download(), want.bytes) << (max ? "max" : "avg");
  }
  {
    TypedSlice in({2, 16, 7, 7}, type, layout, 2, 1);
    FillRandom(in, 43);
    TypedSlice want({2, 16, 1, 1}, type, layout, 1, 3), got = want;
    emu_kernels::AdaptiveAvgPoolForward(in.ref(), want.ref());
    DeviceTyped d_in(in), d_out(got);
    cuda::AdaptiveAvgPoolForward(d_in.ref(), d_out.ref(), nullptr);
    EXPECT_EQ(d_out.buffer.Download(), want.bytes) << "adaptive avg pool";
  }
  TypedSlice source({3, 5, 9, 7}, ElementType::kF32, Layout::kNCHW);
  FillRandom(source, 29);
  TypedSlice want({3, 5, 9, 7}, type, layout, 2, 3), got = want;
  emu_kernels::ConvertForward(source.ref(), want.ref());
  DeviceTyped d_source(source), d_got(got);
  cuda::ConvertForward(d_source.ref(), d_got.ref(), nullptr);
  EXPECT_EQ(d_got.buffer.Download(), want.bytes) << "convert";
}

INSTANTIATE_TEST_SUITE_P(EveryTypeAndLayout, TypedKernelsOnDevice,
                         ::testing::Combine(::testing::Values(ElementType::kF32, ElementType::kF16,
                                                              ElementType::kBF16),
                                            ::testing::Values(Layout::kNCHW, Layout::kNHWC)),
                         [](const auto& info) {
                           return std::string(ElementTypeName(std::get<0>(info.param))) +
                                  LayoutName(std::get<1>(info.param));
                         });

std::set<int64_t> Top5(const Tensor& logits, int64_t image) {
  const int64_t classes = logits.elements() / logits.dims[0];
  const float* row = logits.data.data() + image * classes;
  std::vector<int64_t> order(classes);
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + 5, order.end(),
                    [&](int64_t x, int64_t y) { return row[x] > row[y]; });
  return {order.begin(), order.begin() + 5};
}

// tf32 keeps 10 mantissa bits of each conv/FC operand: a relative error of at most 2^-10
// per operand (truncation; 2^-11 if rounded), so about 2 * 2^-10 per weighted layer to
// first order, 22 weighted layers on the longest path: 44 * 2^-10 = 4.3e-2, the worst case
// against the fp32 host (tf32's oracle: the host computes tf32 in fp32).
constexpr double kTf32Bound = 44.0 / 1024;

TEST(PrecisionOnDevice, Tf32NearTheFp32HostWithTheSameTop5) {
  INCEPT_REQUIRE_GPU();
  if (ComputeMajor() < 8) GTEST_SKIP() << "tf32 needs compute capability 8.0";
  const Graph graph = LoadGraph(cuda_test::kTorchvision);
  const WeightMap weights = RandomWeights(graph, 3);
  const Tensor input = cuda_test::InputFor(Shape{2, 3, 224, 224}, 5);
  EngineOptions host;
  host.backend = "host";
  EngineOptions tf32;
  tf32.backend = "cuda";
  tf32.precision = Precision::kTf32;
  const Tensor want = Engine(graph, weights, host).Run(input).at(0);
  const Tensor got = Engine(graph, weights, tf32).Run(input).at(0);
  const double error = testing::RelativeL2(got, want);
  std::printf("tf32 vs fp32 host: relative L2 %.3g (bound %.3g)\n", error, kTf32Bound);
  EXPECT_LT(error, kTf32Bound);
  for (int64_t image = 0; image < 2; ++image) EXPECT_EQ(Top5(got, image), Top5(want, image));
}

TEST(PrecisionOnDevice, CapabilityErrorsAreOneLine) {
  INCEPT_REQUIRE_GPU();
  cuda::CudaBackend backend;
  EXPECT_EQ(backend.CannotRun(Precision::kFp32), "");
  const std::string bf16 = backend.CannotRun(Precision::kBf16);
  if (ComputeMajor() < 8) {
    EXPECT_NE(bf16.find("compute capability 8.0"), std::string::npos) << bf16;
  } else {
    EXPECT_EQ(bf16, "");  // bound since the fp16/bf16 launch table
  }
  EXPECT_EQ(bf16.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace incept

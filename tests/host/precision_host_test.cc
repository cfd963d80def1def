// The host's rounding mode (host_backend.h), the oracle of the GPU's reduced precisions:
// exactly a composition of fp32 runs with rounded weights and rounded intermediate values;
// on GoogLeNet within a justified bound of the fp32 host, with the same top-5 classes, and
// really rounded (not equal to fp32). tf32 on the host is fp32.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "graph/float16.h"
#include "graph/json_io.h"
#include "host/engine.h"
#include "host/random_weights.h"
#include "model_zoo/graph_builder.h"
#include "tests/host/host_run_util.h"

namespace incept {
namespace {

using testing::RandomInput;
using testing::RelativeL2;

EngineOptions HostOptions(Precision precision, bool optimize, int streams = 1) {
  EngineOptions options;
  options.backend = "host";
  options.optimize = optimize;
  options.streams = streams;
  options.precision = precision;
  return options;
}

float (*RounderOf(Precision p))(float) {
  return p == Precision::kFp16 ? RoundToHalf : RoundToBFloat16;
}

// in (2, 3, 9, 9) -> a: conv 3x3 pad 1, 8 channels -> b: conv 1x1, 6 channels (output).
// Under fp16/bf16: a's weights rounded, a's output rounded (fp16 NHWC), b's weights rounded,
// b's output fp32. The same as two fp32 runs: in -> a with rounded weights, round the
// result, then -> b with rounded weights. Equal to the bit: the same kernels on the same
// fp32 numbers.
TEST(HostRounding, IsTheCompositionOfFp32RunsOnRoundedValues) {
  zoo::GraphBuilder two("two");
  std::string in = two.Input("in", Shape{2, 3, 9, 9});
  std::string a = two.Conv("a", in, {8, 3, 1, 1}, "a");
  two.Conv("b", a, {6, 1}, "b");
  const Graph graph = two.Finish({"b"}, {});
  zoo::GraphBuilder first("first");
  first.Conv("a", first.Input("in", Shape{2, 3, 9, 9}), {8, 3, 1, 1}, "a");
  const Graph first_graph = first.Finish({"a"}, {});
  zoo::GraphBuilder second("second");
  second.Conv("b", second.Input("a", Shape{2, 8, 9, 9}), {6, 1}, "b");
  const Graph second_graph = second.Finish({"b"}, {});

  const WeightMap weights = RandomWeights(graph, 3);
  const Tensor input = RandomInput({2, 3, 9, 9}, 4);
  for (Precision p : {Precision::kFp16, Precision::kBf16}) {
    SCOPED_TRACE(PrecisionName(p));
    WeightMap rounded = weights;
    for (auto& [name, tensor] : rounded)
      for (float& x : tensor.data) x = RounderOf(p)(x);
    Tensor mid =
        Engine(first_graph, rounded, HostOptions(Precision::kFp32, false)).Run(input).at(0);
    for (float& x : mid.data) x = RounderOf(p)(x);
    const Tensor want =
        Engine(second_graph, rounded, HostOptions(Precision::kFp32, false)).Run(mid).at(0);
    const Tensor got =
        Engine(graph, weights, HostOptions(p, false)).Run(input, RunOptions{true}).at(0);
    EXPECT_EQ(got.data, want.data);
    const Tensor fp32 =
        Engine(graph, weights, HostOptions(Precision::kFp32, false)).Run(input).at(0);
    EXPECT_NE(got.data, fp32.data);  // rounding happened
  }
}

std::set<int64_t> Top5(const Tensor& logits, int64_t image) {
  const int64_t classes = logits.elements() / logits.dims[0];
  const float* row = logits.data.data() + image * classes;
  std::vector<int64_t> order(classes);
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + 5, order.end(),
                    [&](int64_t x, int64_t y) { return row[x] > row[y]; });
  return {order.begin(), order.begin() + 5};
}

// Bounds against the fp32 host, relative L2 of the logits. Unit roundoff u = 2^-11 (fp16),
// 2^-8 (bf16). To first order each weighted layer adds at most u (its weights rounded:
// every product perturbed by <= u relative) plus u (its output rounded), and each average
// pool / LRN adds u (max pools and views do not round anything new). torchvision's
// GoogLeNet has 22 weighted layers on its longest path and 4 averaging layers, so the
// worst first-order relative error is about (2 * 22 + 4) u ~ 50 u: 2.4e-2 (fp16) and
// 0.20 (bf16). Errors of independent roundings mostly cancel, so the measured errors are far
// lower; the bound is the worst case, not a fit.
double BoundVsFp32(Precision p) { return 50 * (p == Precision::kFp16 ? 0x1p-11 : 0x1p-8); }

TEST(HostRounding, GoogLeNetNearFp32WithTheSameTop5) {
  const Graph graph =
      LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json");
  const WeightMap weights = RandomWeights(graph, 5);
  const Tensor input = RandomInput({2, 3, 224, 224}, 9);
  const Tensor fp32 =
      Engine(graph, weights, HostOptions(Precision::kFp32, true, 4)).Run(input).at(0);
  // tf32 on the host is fp32 (its oracle): the same numbers.
  EXPECT_EQ(Engine(graph, weights, HostOptions(Precision::kTf32, true, 4)).Run(input).at(0).data,
            fp32.data);
  for (Precision p : {Precision::kFp16, Precision::kBf16}) {
    SCOPED_TRACE(PrecisionName(p));
    const Tensor got =
        Engine(graph, weights, HostOptions(p, true, 4)).Run(input, RunOptions{true}).at(0);
    const double error = RelativeL2(got, fp32);
    std::printf("%s vs fp32 host: relative L2 %.3g (bound %.3g)\n", PrecisionName(p), error,
                BoundVsFp32(p));
    EXPECT_GT(error, 1e-6);  // rounded, not fp32
    EXPECT_LT(error, BoundVsFp32(p));
    for (int64_t image = 0; image < 2; ++image) EXPECT_EQ(Top5(got, image), Top5(fp32, image));
  }
}

}  // namespace
}  // namespace incept

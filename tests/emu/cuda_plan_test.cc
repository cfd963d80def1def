// The CUDA backend's plain C++ decisions (cuda/plan/), on the CPU: the dims and strides of
// every cuDNN tensor descriptor of a typed conv (dense NHWC, an NHWC concat slice at odd
// shapes, NCHW), the scratch layout of a typed conv launch, and which weight tensors are
// uploaded in which format (GoogLeNet at every precision) with their exact bytes.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "cuda/plan/conv_descriptors.h"
#include "cuda/plan/typed_support.h"
#include "cuda/plan/typed_views.h"
#include "cuda/plan/weight_formats.h"
#include "graph/error.h"
#include "graph/float16.h"
#include "graph/json_io.h"
#include "graph/passes/passes.h"
#include "graph/planner/make_plan.h"
#include "graph/planner/views.h"
#include "graph/shape_inference.h"
#include "graph/weight_pack.h"
#include "host/random_weights.h"

namespace incept {
namespace cuda {
namespace {

char g_byte;  // any non-null address: descriptors never dereference
void* Some() { return &g_byte; }

// A dense fp16 NHWC activation (2, 5, 3, 7): element (n, c, h, w) at n*105 + (h*7 + w)*5 + c.
TEST(ConvDescriptors, DenseNhwc) {
  const simt::AnyTensorRef t = DenseNhwc(Some(), Shape{2, 5, 3, 7}, ElementType::kF16);
  const TensorDescriptorDims d = DescribeActivation(t);
  EXPECT_EQ(d.dims, (std::array<int, 4>{2, 5, 3, 7}));
  EXPECT_EQ(d.strides, (std::array<int, 4>{105, 1, 35, 5}));
  EXPECT_TRUE(IsDense(t));
}

// Channels [13, 13 + 6) of an NHWC concat root of 32 channels, 5x3 pixels, batch 3 (the odd
// shape of the single-conv slice test): pixel stride 32 (the root's C), batch stride
// 32*5*3 = 480, the data pointer 13 elements into each pixel.
TEST(ConvDescriptors, NhwcConcatSlice) {
  const Shape slice{3, 6, 5, 3};
  const simt::AnyTensorRef t{Some(), slice, ElementType::kBF16, Layout::kNHWC, 480, 32};
  const TensorDescriptorDims d = DescribeActivation(t);
  EXPECT_EQ(d.dims, (std::array<int, 4>{3, 6, 5, 3}));
  // Element (n, c, h, w) at n*480 + h*96 + w*32 + c: the strides, dim by dim.
  EXPECT_EQ(d.strides, (std::array<int, 4>{480, 1, 96, 32}));
  EXPECT_FALSE(IsDense(t));
  // A 1x1 value with no channel offset left in its root image is dense whatever the pixel
  // stride says (the FC's input).
  EXPECT_TRUE(IsDense({Some(), Shape{3, 6, 1, 1}, ElementType::kF16, Layout::kNHWC, 6, 32}));
}

// NCHW (the fp32 input a first conv converts from): a slice of channels in an NCHW root of 8
// channels: batch stride 8*H*W.
TEST(ConvDescriptors, NchwSlice) {
  const simt::AnyTensorRef t{Some(), Shape{2, 3, 4, 5}, ElementType::kF32, Layout::kNCHW, 160, 0};
  const TensorDescriptorDims d = DescribeActivation(t);
  EXPECT_EQ(d.dims, (std::array<int, 4>{2, 3, 4, 5}));
  EXPECT_EQ(d.strides, (std::array<int, 4>{160, 20, 5, 1}));
  EXPECT_FALSE(IsDense(t));
}

TEST(ConvDescriptors, OverlapsAndOverflowsAreErrors) {
  // Pixels would overlap: pixel stride 4 < C = 6.
  EXPECT_THROW(
      DescribeActivation({Some(), Shape{1, 6, 2, 2}, ElementType::kF16, Layout::kNHWC, 24, 4}),
      Error);
  // A batch stride past cuDNN's int range.
  const int64_t huge = int64_t{1} << 32;
  try {
    DescribeActivation({Some(), Shape{2, 8, 2, 2}, ElementType::kF16, Layout::kNHWC, huge, 8});
    FAIL() << "a 2^32 batch stride was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("batch stride"), std::string::npos) << e.what();
  }
}

// [converted input | dense output | cuDNN workspace], each at a multiple of 256.
TEST(ConvDescriptors, ScratchLayout) {
  const ConvScratch s = LayoutConvScratch(1000, 300, 4096, 256);
  EXPECT_EQ(s.input_offset, 0u);
  EXPECT_EQ(s.output_offset, 1024u);
  EXPECT_EQ(s.cudnn_offset, 1024u + 512u);
  EXPECT_EQ(s.total, 1024u + 512u + 4096u);
  const ConvScratch none = LayoutConvScratch(0, 0, 0, 256);
  EXPECT_EQ(none.total, 0u);
  const ConvScratch only_cudnn = LayoutConvScratch(0, 0, 77, 256);
  EXPECT_EQ(only_cudnn.cudnn_offset, 0u);
  EXPECT_EQ(only_cudnn.total, 77u);
  EXPECT_STREQ(ConvOutputStrategyName(ConvOutputStrategy::kStrided), "strided");
  EXPECT_STREQ(ConvOutputStrategyName(ConvOutputStrategy::kDenseThenCopy), "dense+copy");
}

const std::string kTorchvision =
    std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";
const std::string kCaffe = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet.json";

// fp32 and tf32 upload every tensor as given; fp16 and bf16 store every conv filter in T
// OHWI, every conv bias in T, the FC weight in T and the FC bias as rounded fp32; nothing
// else changes (BatchNorm statistics stay fp32).
TEST(WeightFormats, GoogLeNetAtEveryPrecision) {
  for (const std::string& path : {kTorchvision, kCaffe}) {
    SCOPED_TRACE(path);
    const Graph graph = LoadGraph(path);
    EXPECT_TRUE(WeightFormatsFor(graph, Precision::kFp32).empty());
    EXPECT_TRUE(WeightFormatsFor(graph, Precision::kTf32).empty());
    for (Precision p : {Precision::kFp16, Precision::kBf16}) {
      const ElementType t = StorageType(p);
      const WeightFormats formats = WeightFormatsFor(graph, p);
      size_t expected = 0;
      for (const Node& node : graph.nodes) {
        for (const auto& [role, tensor] : node.params) {
          auto it = formats.find(tensor);
          if (node.op == OpKind::kConv2d && role == "weight") {
            ASSERT_NE(it, formats.end()) << tensor;
            EXPECT_EQ(it->second, (WeightFormat{t, t, Layout::kNHWC})) << tensor;
            ++expected;
          } else if (node.op == OpKind::kConv2d && role == "bias") {
            ASSERT_NE(it, formats.end()) << tensor;
            EXPECT_EQ(it->second, (WeightFormat{t, t, Layout::kNCHW})) << tensor;
            ++expected;
          } else if (node.op == OpKind::kLinear) {
            ASSERT_NE(it, formats.end()) << tensor;
            const ElementType stored = role == "weight" ? t : ElementType::kF32;
            EXPECT_EQ(it->second, (WeightFormat{t, stored, Layout::kNCHW})) << tensor;
            ++expected;
          } else {
            EXPECT_EQ(it, formats.end()) << tensor << " of " << node.name;
          }
        }
      }
      EXPECT_EQ(formats.size(), expected);
      EXPECT_GT(expected, 50u);
    }
  }
}

TEST(WeightFormats, ATensorSharedInTwoFormatsIsAnError) {
  Graph graph;
  Node conv;
  conv.name = "conv";
  conv.op = OpKind::kConv2d;
  conv.attrs = Conv2dAttrs{};
  conv.params = {{"weight", "shared"}};
  Node fc;
  fc.name = "fc";
  fc.op = OpKind::kLinear;
  fc.attrs = LinearAttrs{};
  fc.params = {{"weight", "shared"}};
  graph.nodes = {conv, fc};
  try {
    WeightFormatsFor(graph, Precision::kFp16);
    FAIL() << "one tensor in two formats was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"shared\""), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"fc\""), std::string::npos) << e.what();
  }
}

// The bytes: fp32 as given is the floats' bytes; packed is graph/weight_pack.h's; rounded
// fp32 is each float rounded once.
TEST(WeightFormats, StoredBytes) {
  Tensor filter({2, 3, 1, 2});
  for (size_t i = 0; i < filter.data.size(); ++i) filter.data[i] = 0.1f * i - 0.33f;
  const std::vector<uint8_t> plain = StoreWeight(filter, WeightFormat{});
  ASSERT_EQ(plain.size(), filter.data.size() * 4);
  EXPECT_EQ(std::memcmp(plain.data(), filter.data.data(), plain.size()), 0);
  const WeightFormat ohwi{ElementType::kF16, ElementType::kF16, Layout::kNHWC};
  EXPECT_EQ(StoreWeight(filter, ohwi), PackWeights(filter, ElementType::kF16, Layout::kNHWC));
  const WeightFormat rounded{ElementType::kBF16, ElementType::kF32, Layout::kNCHW};
  const std::vector<uint8_t> bytes = StoreWeight(filter, rounded);
  ASSERT_EQ(bytes.size(), filter.data.size() * 4);
  for (size_t i = 0; i < filter.data.size(); ++i) {
    float v;
    std::memcpy(&v, bytes.data() + 4 * i, 4);
    EXPECT_EQ(v, RoundToBFloat16(filter.data[i]));
    EXPECT_NE(v, filter.data[i]);  // these values are not bf16 already: really rounded
  }
  EXPECT_EQ(WeightFormatName(ohwi), "fp16 OHWI");
  EXPECT_EQ(WeightFormatName(rounded), "fp32 (rounded to bf16)");
}

// The typed views of GoogLeNet's fp16 plan at batch 3 (optimised as for the CUDA backend:
// no reduce fusion): every slice starts channel_offset elements into each pixel of its
// NHWC root (2 bytes each), steps by the root's C from pixel to pixel and by the root's
// C*H*W from image to image, and its last element lies inside the root's bytes.
TEST(TypedViews, GoogLeNetFp16SlicesInsideTheirRoots) {
  Graph graph = LoadGraph(kTorchvision);
  InferShapes(graph);
  WeightMap weights = RandomWeights(graph, 1);
  OptimizeOptions options;
  options.fuse_reduce = false;
  OptimizeGraph(graph, weights, options);
  InferShapes(graph, Shape{3, 3, 224, 224});
  const Plan plan = MakePlan(graph, 4, Precision::kFp16);
  char* arena = reinterpret_cast<char*>(0x100000);  // never dereferenced
  int slices = 0;
  bool saw_3a_branch2 = false;
  for (int i = 0; i < static_cast<int>(graph.nodes.size()); ++i) {
    const ValuePlacement& v = plan.values[i];
    const simt::AnyTensorRef t = TypedValueRef(graph, plan, i, arena);
    const simt::AnyTensorRef root = TypedValueRef(graph, plan, v.root, arena);
    EXPECT_EQ(t.type, v.format.type);
    EXPECT_EQ(t.layout, v.format.layout);
    const Shape& rs = graph.nodes[v.root].shape;
    const Shape& s = graph.nodes[i].shape;
    // The last element's byte, by element_access.cuh's rule.
    const int64_t last = t.layout == Layout::kNHWC ? (s.n - 1) * t.batch_stride +
                                                         (s.plane() - 1) * t.pixel_stride + s.c - 1
                                                   : (s.n - 1) * t.batch_stride + s.per_image() - 1;
    const char* end = static_cast<char*>(t.data) + (last + 1) * ElementSize(t.type);
    EXPECT_LE(end, arena + plan.values[v.root].offset + plan.values[v.root].bytes)
        << graph.nodes[i].name;
    if (v.kind != ValueKind::kSlice) continue;
    ++slices;
    const Node& node = graph.nodes[i];
    ASSERT_TRUE(node.output_slice.has_value()) << node.name;
    ASSERT_EQ(t.layout, Layout::kNHWC) << node.name;
    EXPECT_EQ(t.pixel_stride, rs.c) << node.name;
    EXPECT_EQ(t.batch_stride, rs.c * rs.plane()) << node.name;
    if (graph.nodes[v.root].name == node.output_slice->concat) {
      EXPECT_EQ(static_cast<char*>(t.data) - static_cast<char*>(root.data),
                node.output_slice->channel_offset * 2)
          << node.name;
    }
    // inception3a: branches of 64, 128, 32, 32 channels; the 3x3 branch (128) starts at
    // channel 64 of 256: 128 bytes into each pixel.
    if (node.output_slice->concat == "inception3a" && s.c == 128) {
      saw_3a_branch2 = true;
      EXPECT_EQ(t.pixel_stride, 256);
      EXPECT_EQ(static_cast<char*>(t.data) - static_cast<char*>(root.data), 128);
    }
  }
  EXPECT_GE(slices, 36);  // 9 blocks x 4 branches
  EXPECT_TRUE(saw_3a_branch2);
}

// Every launched node of the model zoo's networks, planned at fp16 and bf16 (optimised, with
// and without reduce fusion: the tensor-core kernel takes the fused nodes), is one the
// typed launch table accepts; a fused node whose views are not T NHWC is refused with the
// reason.
struct ZooCase {
  const char* file;
  Shape input;
};

int64_t CountProblems(const std::string& path, const Shape& input, Precision p, bool fuse_reduce,
                      std::string* first) {
  Graph graph = LoadGraph(path);
  InferShapes(graph);
  WeightMap weights = RandomWeights(graph, 1);
  OptimizeOptions options;
  options.fuse_reduce = fuse_reduce;
  OptimizeGraph(graph, weights, options);
  InferShapes(graph, input);
  const Plan plan = MakePlan(graph, 4, p);
  const GraphViews views = AnalyzeViews(graph);
  char* arena = reinterpret_cast<char*>(0x100000);
  int64_t problems = 0;
  for (int i = 0; i < static_cast<int>(graph.nodes.size()); ++i) {
    if (!views.launched[i]) continue;
    std::vector<simt::AnyTensorRef> in;
    for (int v : views.inputs[i]) in.push_back(TypedValueRef(graph, plan, v, arena));
    const std::string why =
        TypedLaunchProblem(graph.nodes[i], in, TypedValueRef(graph, plan, i, arena));
    if (why.empty()) continue;
    if (problems++ == 0) *first = graph.nodes[i].name + ": " + why;
  }
  return problems;
}

TEST(TypedSupport, TheModelZooRunsAtFp16AndBf16) {
  const ZooCase cases[] = {{"googlenet_torchvision.json", {3, 3, 224, 224}},
                           {"googlenet.json", {1, 3, 224, 224}},
                           {"inception_v3_torchvision.json", {2, 3, 299, 299}}};
  for (const ZooCase& c : cases)
    for (Precision p : {Precision::kFp16, Precision::kBf16}) {
      SCOPED_TRACE(std::string(c.file) + " " + PrecisionName(p));
      std::string first;
      EXPECT_EQ(CountProblems(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/" + c.file, c.input, p,
                              false, &first),
                0)
          << first;
    }
  for (Precision p : {Precision::kFp16, Precision::kBf16}) {
    std::string first;
    EXPECT_EQ(CountProblems(kTorchvision, {1, 3, 224, 224}, p, true, &first), 0) << first;
  }
  Node fused;
  fused.name = "fused";
  fused.op = OpKind::kFusedReduceConv;
  const Shape s{1, 64, 8, 8};
  const simt::AnyTensorRef half = simt::DenseAny(nullptr, s, ElementType::kF16, Layout::kNHWC);
  const simt::AnyTensorRef bf = simt::DenseAny(nullptr, s, ElementType::kBF16, Layout::kNHWC);
  const simt::AnyTensorRef fp32 = simt::DenseAny(nullptr, s, ElementType::kF32, Layout::kNCHW);
  EXPECT_EQ(TypedLaunchProblem(fused, {half}, half), "");
  EXPECT_NE(TypedLaunchProblem(fused, {fp32}, fp32).find("fp16 or bf16 NHWC"), std::string::npos);
  EXPECT_NE(TypedLaunchProblem(fused, {half}, bf).find("fp16 or bf16 NHWC"), std::string::npos);
}

TEST(TypedSupport, FormatMismatchesAreReasons) {
  Node pool;
  pool.name = "pool";
  pool.op = OpKind::kMaxPool;
  pool.attrs = PoolAttrs{};
  const simt::AnyTensorRef nhwc =
      simt::DenseAny(Some(), Shape{1, 4, 3, 3}, ElementType::kF16, Layout::kNHWC);
  simt::AnyTensorRef nchw = nhwc;
  nchw.layout = Layout::kNCHW;
  EXPECT_EQ(TypedLaunchProblem(pool, {nhwc}, nhwc), "");
  EXPECT_NE(TypedLaunchProblem(pool, {nhwc}, nchw).find("must match"), std::string::npos);
  Node softmax;
  softmax.op = OpKind::kSoftmax;
  EXPECT_NE(TypedLaunchProblem(softmax, {nhwc}, nhwc).find("fp32"), std::string::npos);
  Node fc;
  fc.op = OpKind::kLinear;
  fc.attrs = LinearAttrs{};
  EXPECT_NE(TypedLaunchProblem(fc, {nhwc}, nhwc).find("one row per image"), std::string::npos);
  Node conv;
  conv.op = OpKind::kConv2d;
  Conv2dAttrs asymmetric;
  asymmetric.window = {3, 3, 1, 1, 0, 0, 1, 1};
  conv.attrs = asymmetric;
  EXPECT_NE(TypedLaunchProblem(conv, {nhwc}, nhwc).find("asymmetric"), std::string::npos);
  Node add;
  add.op = OpKind::kAdd;
  EXPECT_NE(TypedLaunchProblem(add, {nhwc}, nhwc).find("expects 2 inputs"), std::string::npos);
}

TEST(TypedViews, ChannelRange) {
  simt::AnyTensorRef whole =
      simt::DenseAny(Some(), Shape{2, 10, 3, 4}, ElementType::kF16, Layout::kNHWC);
  const simt::AnyTensorRef part = ChannelRange(whole, 3, Shape{2, 5, 3, 4});
  EXPECT_EQ(static_cast<char*>(part.data) - static_cast<char*>(whole.data), 6);
  EXPECT_EQ(part.pixel_stride, 10);
  EXPECT_EQ(part.batch_stride, 120);
  whole.layout = Layout::kNCHW;
  whole.type = ElementType::kF32;
  const simt::AnyTensorRef planes = ChannelRange(whole, 3, Shape{2, 5, 3, 4});
  EXPECT_EQ(static_cast<char*>(planes.data) - static_cast<char*>(whole.data), 3 * 12 * 4);
  EXPECT_THROW(ChannelRange(whole, 6, Shape{2, 5, 3, 4}), Error);  // past channel 10
}

}  // namespace
}  // namespace cuda
}  // namespace incept

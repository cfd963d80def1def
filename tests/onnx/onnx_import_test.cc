// The importer on small models built in memory: the folded patterns (transform_input,
// Pad into pools, MatMul + Add, arithmetic with constants) checked node by node and
// numerically against direct computations, and every class of bad input checked for the
// error it gets (unsupported op, attribute, opset; malformed bytes; external data; absurd
// dimensions).
#include "graph/onnx/onnx_import.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "host/engine.h"
#include "tests/onnx/onnx_model_builder.h"

namespace incept::testing {
namespace {

OnnxModel Import(const OnnxBuilder& b) {
  const std::string bytes = b.Bytes();
  return ParseOnnx(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "m.onnx");
}

// The message of the error `b` raises, and whether it is OnnxUnsupported.
std::pair<std::string, bool> ImportError(const OnnxBuilder& b) {
  try {
    Import(b);
  } catch (const OnnxUnsupported& e) {
    return {e.what(), true};
  } catch (const Error& e) {
    return {e.what(), false};
  }
  ADD_FAILURE() << "imported without error";
  return {"", false};
}

Tensor RandomTensor(std::vector<int64_t> dims, uint32_t seed) {
  Tensor t(std::move(dims));
  t.data = Values(t.elements(), seed);
  return t;
}

std::vector<Tensor> RunHost(const OnnxModel& m, const Tensor& x, bool optimize = true) {
  EngineOptions o;
  o.backend = "host";
  o.optimize = optimize;
  Engine engine(m.graph, m.weights, o);
  return engine.Run(x);
}

int CountOps(const Graph& g, OpKind op) {
  int n = 0;
  for (const Node& node : g.nodes) n += node.op == op;
  return n;
}

// torchvision's _transform_input as torch.onnx exports it: per channel c,
// Unsqueeze(Gather(x, c, axis 1), 1) * a_c + b_c, then Concat on axis 1.
OnnxBuilder TransformInput(int64_t opset, const float a[3], const float b[3]) {
  OnnxBuilder m(opset);
  m.Input("x", {-1, 3, 5, 4});
  std::vector<std::string> parts;
  for (int c = 0; c < 3; ++c) {
    const std::string s = std::to_string(c);
    m.IntInitializer("idx" + s, {}, {c});
    m.Node("Gather", {"x", "idx" + s}, {"g" + s}).Int("axis", 1);
    if (opset >= 13) {
      m.IntInitializer("axes" + s, {1}, {1});
      m.Node("Unsqueeze", {"g" + s, "axes" + s}, {"u" + s});
    } else {
      m.Node("Unsqueeze", {"g" + s}, {"u" + s}).Ints("axes", {1});
    }
    m.Initializer("a" + s, {}, {a[c]});
    m.Initializer("b" + s, {}, {b[c]});
    m.Node("Mul", {"u" + s, "a" + s}, {"m" + s});
    m.Node("Add", {"m" + s, "b" + s}, {"t" + s});
    parts.push_back("t" + s);
  }
  m.Node("Concat", parts, {"y"}).Int("axis", 1);
  m.Output("y");
  return m;
}

TEST(OnnxImport, TransformInputIsOneChannelAffine) {
  const float a[3] = {0.458f, 0.448f, 0.450f}, b[3] = {-0.03f, -0.088f, -0.188f};
  for (int64_t opset : {11, 13}) {
    OnnxModel m = Import(TransformInput(opset, a, b));
    ASSERT_EQ(m.graph.nodes.size(), 2u) << "Input + ChannelAffine, opset " << opset;
    const Node& affine = m.graph.nodes[1];
    ASSERT_EQ(affine.op, OpKind::kChannelAffine);
    EXPECT_EQ(affine.attr<ChannelAffineAttrs>().scale, std::vector<float>(a, a + 3));
    EXPECT_EQ(affine.attr<ChannelAffineAttrs>().shift, std::vector<float>(b, b + 3));
    // Any batch runs (the symbolic batch is a default of 1).
    Tensor x = RandomTensor({2, 3, 5, 4}, 3);
    Tensor y = RunHost(m, x).at(0);
    for (int64_t i = 0; i < x.elements(); ++i) {
      const int c = static_cast<int>((i / 20) % 3);
      EXPECT_FLOAT_EQ(y.data[i], x.data[i] * a[c] + b[c]);
    }
  }
}

TEST(OnnxImport, ChannelsOutOfOrderAreRefused) {
  const float a[3] = {1, 1, 1}, b[3] = {0, 0, 0};
  OnnxBuilder m = TransformInput(13, a, b);
  auto* concat = m.model().mutable_graph()->mutable_node(m.model().graph().node_size() - 1);
  concat->set_input(0, "t1");
  concat->set_input(1, "t0");
  auto [what, unsupported] = ImportError(m);
  EXPECT_TRUE(unsupported);
  EXPECT_NE(what.find("node 12 \"y\" (Concat, opset 13)"), std::string::npos) << what;
  EXPECT_NE(what.find("every channel of one tensor in order"), std::string::npos) << what;
}

TEST(OnnxImport, PadThenAveragePoolIsOnePoolCountingThePadding) {
  for (int64_t opset : {10, 11}) {
    OnnxBuilder b(opset);
    b.Input("x", {1, 2, 5, 6});
    const std::vector<int64_t> pads = {0, 0, 1, 1, 0, 0, 1, 1};
    if (opset >= 11) {
      b.IntInitializer("pads", {8}, pads);
      b.Node("Pad", {"x", "pads"}, {"p"});
    } else {
      b.Node("Pad", {"x"}, {"p"}).Ints("pads", pads);
    }
    b.Node("AveragePool", {"p"}, {"y"}).Ints("kernel_shape", {3, 3});
    b.Output("y");
    OnnxModel m = Import(b);
    ASSERT_EQ(m.graph.nodes.size(), 2u);
    const auto& pool = m.graph.nodes[1].attr<PoolAttrs>();
    EXPECT_TRUE(pool.count_include_pad);
    EXPECT_EQ(pool.window.pad_top, 1);
    EXPECT_EQ(pool.window.pad_right, 1);
    // Against the definition: the mean of 9 values of the zero-padded input.
    Tensor x = RandomTensor({1, 2, 5, 6}, 5);
    Tensor y = RunHost(m, x).at(0);
    ASSERT_EQ(y.dims, (std::vector<int64_t>{1, 2, 5, 6}));
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 6; ++j) {
          double sum = 0;
          for (int di = -1; di <= 1; ++di)
            for (int dj = -1; dj <= 1; ++dj) {
              const int r = i + di, q = j + dj;
              if (r >= 0 && r < 5 && q >= 0 && q < 6) sum += x.data[(c * 5 + r) * 6 + q];
            }
          EXPECT_NEAR(y.data[(c * 5 + i) * 6 + j], sum / 9, 1e-6);
        }
  }
}

TEST(OnnxImport, PadBeforeMaxPoolFoldsOnlyAfterRelu) {
  for (bool relu : {true, false}) {
    OnnxBuilder b(13);
    b.Input("x", {1, 2, 4, 4});
    b.IntInitializer("pads", {8}, {0, 0, 1, 1, 0, 0, 1, 1});
    std::string in = "x";
    if (relu) {
      b.Node("Relu", {"x"}, {"r"});
      in = "r";
    }
    b.Node("Pad", {in, "pads"}, {"p"});
    b.Node("MaxPool", {"p"}, {"y"}).Ints("kernel_shape", {3, 3});
    b.Output("y");
    if (relu) {
      OnnxModel m = Import(b);
      EXPECT_EQ(CountOps(m.graph, OpKind::kMaxPool), 1);
      EXPECT_EQ(m.graph.at("y").shape, (Shape{1, 2, 4, 4}));
    } else {
      auto [what, unsupported] = ImportError(b);
      EXPECT_TRUE(unsupported);
      EXPECT_NE(what.find("(MaxPool, opset 13)"), std::string::npos) << what;
      EXPECT_NE(what.find("non-negative"), std::string::npos) << what;
    }
  }
}

TEST(OnnxImport, MatMulAddIsOneLinearWithBias) {
  OnnxBuilder b(13);
  b.Input("x", {-1, 4, 1, 1});
  b.Node("Flatten", {"x"}, {"f"});
  const std::vector<float> w = Values(12, 1), bias = Values(3, 2);
  b.Initializer("w", {4, 3}, w);
  b.Initializer("bias", {3}, bias);
  b.Node("MatMul", {"f", "w"}, {"mm"});
  b.Node("Add", {"mm", "bias"}, {"y"});
  b.Output("y");
  OnnxModel m = Import(b);
  EXPECT_EQ(CountOps(m.graph, OpKind::kLinear), 1);
  EXPECT_EQ(CountOps(m.graph, OpKind::kChannelAffine), 0);
  EXPECT_EQ(m.output_ranks, std::vector<int>{2});
  Tensor x = RandomTensor({3, 4, 1, 1}, 9);
  Tensor y = RunHost(m, x).at(0);
  ASSERT_EQ(y.elements(), 9);
  for (int n = 0; n < 3; ++n)
    for (int o = 0; o < 3; ++o) {
      double want = bias[o];
      for (int k = 0; k < 4; ++k) want += x.data[n * 4 + k] * w[k * 3 + o];
      EXPECT_NEAR(y.data[n * 3 + o], want, 1e-5);
    }
}

TEST(OnnxImport, LinearWithOtherReadersIsNotFolded) {
  // y = x W is an output and, through an Identity, the input of z = y + c: folding c into
  // the Linear would change y.
  OnnxBuilder b(13);
  b.Input("x", {-1, 4});
  const std::vector<float> w = Values(8, 1);
  b.Initializer("w", {4, 2}, w);
  b.Initializer("c", {2}, {10.0f, 20.0f});
  b.Node("MatMul", {"x", "w"}, {"y"});
  b.Node("Identity", {"y"}, {"alias"});
  b.Node("Add", {"alias", "c"}, {"z"});
  b.Output("y");
  b.Output("z");
  OnnxModel m = Import(b);
  EXPECT_EQ(CountOps(m.graph, OpKind::kChannelAffine), 1);
  Tensor x = RandomTensor({1, 4, 1, 1}, 3);
  std::vector<Tensor> out = RunHost(m, x);
  ASSERT_EQ(out.size(), 2u);
  for (int o = 0; o < 2; ++o) {
    double want = 0;
    for (int k = 0; k < 4; ++k) want += x.data[k] * w[k * 2 + o];
    EXPECT_NEAR(out[0].data[o], want, 1e-5);
    EXPECT_NEAR(out[1].data[o], want + (o ? 20.0 : 10.0), 1e-5);
  }
}

TEST(OnnxImport, ArithmeticWithPerChannelConstantsIsChannelAffine) {
  OnnxBuilder b(14);
  b.Input("x", {1, 3, 2, 2});
  b.Initializer("k", {1, 3, 1, 1}, {2.0f, -1.0f, 0.5f});
  b.Initializer("s", {}, {3.0f});
  b.Node("Div", {"x", "k"}, {"d"});
  b.Node("Sub", {"s", "d"}, {"y"});  // y = 3 - x / k
  b.Output("y");
  OnnxModel m = Import(b);
  EXPECT_EQ(CountOps(m.graph, OpKind::kChannelAffine), 2);
  Tensor x = RandomTensor({1, 3, 2, 2}, 11);
  Tensor y = RunHost(m, x).at(0);
  const float k[3] = {2.0f, -1.0f, 0.5f};
  for (int i = 0; i < 12; ++i) EXPECT_NEAR(y.data[i], 3.0f - x.data[i] / k[i / 4], 1e-6);
}

TEST(OnnxImport, SoftmaxAxisFollowsTheOpset) {
  for (int64_t opset : {11, 13}) {
    OnnxBuilder b(opset);
    b.Input("x", {1, 3, 2, 2});
    b.Node("Softmax", {"x"}, {"y"}).Int("axis", 1);
    b.Output("y");
    if (opset == 13) {
      EXPECT_EQ(CountOps(Import(b).graph, OpKind::kSoftmax), 1);
    } else {  // opset 11 normalises over C*H*W, not over C at each pixel
      auto [what, unsupported] = ImportError(b);
      EXPECT_TRUE(unsupported);
      EXPECT_NE(what.find("(Softmax, opset 11)"), std::string::npos) << what;
    }
  }
}

TEST(OnnxImport, InitializersKeepTheirNamesAsWeights) {
  OnnxBuilder b(13);
  b.Input("x", {-1, 2, 4, 4});
  b.Initializer("conv.weight", {3, 2, 1, 1}, Values(6, 4));
  b.Initializer("conv.bias", {3}, Values(3, 5));
  b.Node("Conv", {"x", "conv.weight", "conv.bias"}, {"y"});
  b.Output("y");
  OnnxModel m = Import(b);
  EXPECT_EQ(m.graph.at("y").params.at("weight"), "conv.weight");
  EXPECT_EQ(m.weights.at("conv.bias").data, Values(3, 5));
  EXPECT_EQ(m.graph.nodes[0].shape, (Shape{1, 2, 4, 4}));
  EXPECT_EQ(m.opset, 13);
}

// --- errors ---------------------------------------------------------------------------

OnnxBuilder OneRelu(int64_t opset = 13) {
  OnnxBuilder b(opset);
  b.Input("x", {1, 2, 3, 3});
  b.Node("Relu", {"x"}, {"y"}, "act");
  b.Output("y");
  return b;
}

TEST(OnnxImportErrors, UnsupportedOpNamesNodeOpAndOpset) {
  OnnxBuilder b = OneRelu();
  b.model().mutable_graph()->mutable_node(0)->set_op_type("Tanh");
  auto [what, unsupported] = ImportError(b);
  EXPECT_TRUE(unsupported);
  EXPECT_EQ(what.rfind("m.onnx: node 0 \"act\" (Tanh, opset 13): op is not supported", 0), 0u)
      << what;
}

TEST(OnnxImportErrors, UnsupportedAttributeIsNamed) {
  OnnxBuilder b(13);
  b.Input("x", {1, 2, 4, 4});
  b.Node("MaxPool", {"x"}, {"y"}).Ints("kernel_shape", {2, 2}).Int("fancy", 1);
  b.Output("y");
  auto [what, unsupported] = ImportError(b);
  EXPECT_TRUE(unsupported);
  EXPECT_NE(what.find("(MaxPool, opset 13): attribute \"fancy\""), std::string::npos) << what;
}

TEST(OnnxImportErrors, AttributeBeforeItsOpsetIsNamed) {
  OnnxBuilder b(9);
  b.Input("x", {1, 2, 4, 4});
  b.Node("MaxPool", {"x"}, {"y"}).Ints("kernel_shape", {2, 2}).Int("ceil_mode", 1);
  b.Output("y");
  auto [what, unsupported] = ImportError(b);
  EXPECT_TRUE(unsupported);
  EXPECT_NE(what.find("attribute \"ceil_mode\" is not defined before opset 10"), std::string::npos)
      << what;
}

TEST(OnnxImportErrors, UnsupportedAttributeValueIsNamed) {
  OnnxBuilder b(13);
  b.Input("x", {1, 2, 4, 4});
  b.Node("MaxPool", {"x"}, {"y"}).Ints("kernel_shape", {2, 2}).Ints("dilations", {2, 2});
  b.Output("y");
  auto [what, unsupported] = ImportError(b);
  EXPECT_TRUE(unsupported);
  EXPECT_NE(what.find("\"dilations\""), std::string::npos) << what;
}

// Found by fuzz_onnx: constants that fold into a non-finite channel scale or shift, or a
// non-finite float attribute, are refused (our graph's attributes are finite numbers).
TEST(OnnxImportErrors, NonFiniteConstantsAndAttributesAreRefused) {
  {
    OnnxBuilder b(14);
    b.Input("x", {1, 3, 2, 2});
    b.Initializer("k", {1, 3, 1, 1}, {2.0f, 0.0f, 0.5f});
    b.Initializer("s", {}, {3.0f});
    b.Node("Div", {"s", "k"}, {"q"});  // 3 / 0: an infinite constant
    b.Node("Mul", {"x", "q"}, {"y"});
    b.Output("y");
    auto [what, unsupported] = ImportError(b);
    EXPECT_NE(what.find("not finite"), std::string::npos) << what;
  }
  {
    OnnxBuilder b(13);
    b.Input("x", {1, 3, 2, 2});
    b.Initializer("k", {1, 3, 1, 1}, {2.0f, std::numeric_limits<float>::quiet_NaN(), 0.5f});
    b.Node("Mul", {"x", "k"}, {"y"});
    b.Output("y");
    auto [what, unsupported] = ImportError(b);
    EXPECT_NE(what.find("scale nan"), std::string::npos) << what;
  }
  {
    OnnxBuilder b(13);
    b.Input("x", {1, 4, 4, 4});
    b.Node("LRN", {"x"}, {"y"})
        .Int("size", 3)
        .Float("alpha", std::numeric_limits<float>::infinity());
    b.Output("y");
    auto [what, unsupported] = ImportError(b);
    EXPECT_NE(what.find("attribute \"alpha\" is inf, not a finite number"), std::string::npos)
        << what;
  }
}

// Found by fuzz_onnx: an attribute our graph files refuse (BatchNorm epsilon <= 0) is refused
// at import too, by the same rules.
TEST(OnnxImportErrors, AttributesObeyTheGraphFileRules) {
  OnnxBuilder b(13);
  b.Input("x", {1, 2, 2, 2});
  b.Initializer("g", {2}, {1.0f, 1.0f});
  b.Initializer("be", {2}, {0.0f, 0.0f});
  b.Initializer("m", {2}, {0.0f, 0.0f});
  b.Initializer("v", {2}, {1.0f, 1.0f});
  b.Node("BatchNormalization", {"x", "g", "be", "m", "v"}, {"y"}).Float("epsilon", 0.0f);
  b.Output("y");
  auto [what, unsupported] = ImportError(b);
  EXPECT_NE(what.find("eps"), std::string::npos) << what;
  EXPECT_NE(what.find("the imported graph is invalid"), std::string::npos) << what;
}

TEST(OnnxImportErrors, OpsetsOutsideTheRange) {
  auto [what, unsupported] = ImportError(OneRelu(18));
  EXPECT_TRUE(unsupported);
  EXPECT_NE(what.find("opset 18 is not supported (7 to 17)"), std::string::npos) << what;
  // Opset 6: Relu is unchanged since 6, BatchNormalization changed at 7.
  EXPECT_NO_THROW(Import(OneRelu(6)));
  OnnxBuilder b(6);
  b.Input("x", {1, 2, 3, 3});
  for (const char* n : {"s", "b", "m", "v"}) b.Initializer(n, {2}, {1.0f, 1.0f});
  b.Node("BatchNormalization", {"x", "s", "b", "m", "v"}, {"y"});
  b.Output("y");
  std::tie(what, unsupported) = ImportError(b);
  EXPECT_TRUE(unsupported);
  EXPECT_NE(what.find("(BatchNormalization, opset 6)"), std::string::npos) << what;
}

TEST(OnnxImportErrors, MalformedBytesAreCleanErrors) {
  const std::string good = OneRelu().Bytes();
  // Truncated at every length: a clean Error (a prefix may still parse as a smaller model
  // and then fail validation, or even import if the cut falls after the last field).
  for (size_t n = 0; n < good.size(); ++n) {
    try {
      ParseOnnx(reinterpret_cast<const uint8_t*>(good.data()), n, "cut.onnx");
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("cut.onnx: ", 0), 0u) << e.what();
    }
  }
  std::mt19937 rng(1);
  for (int trial = 0; trial < 200; ++trial) {
    std::string bytes(1 + rng() % 256, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    EXPECT_THROW(ParseOnnx(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "r.onnx"),
                 Error);
  }
  const std::string junk = "\xff\xff\xff\xff not protobuf";
  try {
    ParseOnnx(reinterpret_cast<const uint8_t*>(junk.data()), junk.size(), "junk.onnx");
    ADD_FAILURE() << "junk parsed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a valid ONNX model"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LoadOnnx("/nonexistent/model.onnx"), Error);
}

TEST(OnnxImportErrors, ExternalDataIsRefused) {
  OnnxBuilder b(13);
  b.Input("x", {1, 2, 4, 4});
  onnx::TensorProto* w = b.Initializer("w", {3, 2, 1, 1}, {});
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* entry = w->add_external_data();
  entry->set_key("location");
  entry->set_value("weights.bin");
  b.Node("Conv", {"x", "w"}, {"y"});
  b.Output("y");
  auto [what, unsupported] = ImportError(b);
  EXPECT_NE(what.find("initializer \"w\" keeps its data in an external file"), std::string::npos)
      << what;
}

TEST(OnnxImportErrors, AbsurdDimensionsAndSizes) {
  {  // an input dimension far beyond any image
    OnnxBuilder b(13);
    b.Input("x", {1, 2, 1000000000, 4});
    b.Node("Relu", {"x"}, {"y"});
    b.Output("y");
    EXPECT_NE(ImportError(b).first.find("dimension 2 is 1000000000"), std::string::npos);
  }
  {  // an initializer whose dims promise 2^62 elements and hold none
    OnnxBuilder b(13);
    b.Input("x", {1, 2, 4, 4});
    b.Initializer("w", {int64_t{1} << 31, int64_t{1} << 31}, {});
    b.Node("Conv", {"x", "w"}, {"y"});
    b.Output("y");
    EXPECT_NE(ImportError(b).first.find("initializer \"w\": dimensions too large"),
              std::string::npos);
  }
  {  // dims and data disagree
    OnnxBuilder b(13);
    b.Input("x", {1, 2, 4, 4});
    b.Initializer("w", {3, 2, 1, 1}, {1.0f, 2.0f});
    b.Node("Conv", {"x", "w"}, {"y"});
    b.Output("y");
    EXPECT_NE(ImportError(b).first.find("holds 2 elements, its dims say 6"), std::string::npos);
  }
  {  // a conv weight that does not fit the input's channels
    OnnxBuilder b(13);
    b.Input("x", {1, 2, 4, 4});
    b.Initializer("w", {3, 5, 1, 1}, Values(15, 1));
    b.Node("Conv", {"x", "w"}, {"y"});
    b.Output("y");
    auto [what, unsupported] = ImportError(b);
    EXPECT_FALSE(unsupported);
    EXPECT_NE(what.find("(Conv, opset 13): weight [3, 5, 1, 1] with group 1 does not fit 2"),
              std::string::npos)
        << what;
  }
}

TEST(OnnxImportErrors, StructuralProblems) {
  {  // an input no node produces
    OnnxBuilder b(13);
    b.Input("x", {1, 2, 3, 3});
    b.Node("Relu", {"nothing"}, {"y"});
    b.Output("y");
    EXPECT_NE(ImportError(b).first.find("input \"nothing\" is not produced"), std::string::npos);
  }
  {  // two computed inputs
    OnnxBuilder b(13);
    b.Input("x", {1, 2, 3, 3});
    b.Input("z", {1, 2, 3, 3});
    b.Node("Add", {"x", "z"}, {"y"});
    b.Output("y");
    EXPECT_NE(ImportError(b).first.find("more than one computed input"), std::string::npos);
  }
  {  // a symbolic spatial dimension
    OnnxBuilder b(13);
    b.Input("x", {1, 2, -1, 3});
    b.Node("Relu", {"x"}, {"y"});
    b.Output("y");
    EXPECT_NE(ImportError(b).first.find("dimension 2 is symbolic"), std::string::npos);
  }
  {  // an op of another domain
    OnnxBuilder b = OneRelu();
    b.model().mutable_graph()->mutable_node(0)->set_domain("com.example");
    EXPECT_NE(ImportError(b).first.find("domain \"com.example\""), std::string::npos);
  }
  {  // a node without its input (found by fuzz_onnx)
    OnnxBuilder b(11);
    b.Input("x", {1, 2, 3, 3});
    b.Node("Unsqueeze", {}, {"y"}).Ints("axes", {0});
    b.Output("y");
    EXPECT_NE(ImportError(b).first.find("(Unsqueeze, opset 11): input 0 is missing"),
              std::string::npos);
  }
  {  // a name that is not UTF-8 (it would become a JSON key; found by fuzz_onnx)
    OnnxBuilder b = OneRelu();
    b.model().mutable_graph()->mutable_node(0)->set_output(0, "y\xf4");
    b.model().mutable_graph()->mutable_output(0)->set_name("y\xf4");
    EXPECT_NE(ImportError(b).first.find("not valid UTF-8"), std::string::npos);
  }
  {  // no default-domain opset
    OnnxBuilder b = OneRelu();
    b.model().mutable_opset_import(0)->set_domain("ai.onnx.ml");
    EXPECT_NE(ImportError(b).first.find("no opset_import for the default ONNX domain"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace incept::testing

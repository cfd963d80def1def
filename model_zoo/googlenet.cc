// GoogLeNet (Szegedy et al. 2014, Table 1), in Caffe's and in torchvision's form.
#include "model_zoo/googlenet.h"

#include <string>

#include "model_zoo/graph_builder.h"

namespace incept::zoo {
namespace {

// One row of the paper's Table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
struct InceptionSpec {
  const char* name;
  int c1x1, c3x3_reduce, c3x3, c5x5_reduce, c5x5, pool_proj;
};

constexpr InceptionSpec kCaffeBlocks[] = {
    {"3a", 64, 96, 128, 16, 32, 32},     {"3b", 128, 128, 192, 32, 96, 64},
    {"4a", 192, 96, 208, 16, 48, 64},    {"4b", 160, 112, 224, 24, 64, 64},
    {"4c", 128, 128, 256, 24, 64, 64},   {"4d", 112, 144, 288, 32, 64, 64},
    {"4e", 256, 160, 320, 32, 128, 128}, {"5a", 256, 160, 320, 32, 128, 128},
    {"5b", 384, 192, 384, 48, 128, 128}};

const InceptionSpec& Block(const std::string& name) {
  for (const InceptionSpec& b : kCaffeBlocks)
    if (name == b.name) return b;
  return kCaffeBlocks[0];
}

// --- Caffe -----------------------------------------------------------------------------

std::string CaffeConvRelu(GraphBuilder& g, const std::string& layer, const std::string& relu,
                          const std::string& input, ConvSpec spec) {
  return g.Relu(relu, g.Conv(layer, input, spec, layer));
}

std::string CaffeInception(GraphBuilder& g, const InceptionSpec& s, const std::string& input) {
  const std::string p = std::string("inception_") + s.name + "/";
  std::string b1 = CaffeConvRelu(g, p + "1x1", p + "relu_1x1", input, {s.c1x1, 1});
  std::string b2 =
      CaffeConvRelu(g, p + "3x3_reduce", p + "relu_3x3_reduce", input, {s.c3x3_reduce, 1});
  b2 = CaffeConvRelu(g, p + "3x3", p + "relu_3x3", b2, {s.c3x3, 3, 1, 1});
  std::string b3 =
      CaffeConvRelu(g, p + "5x5_reduce", p + "relu_5x5_reduce", input, {s.c5x5_reduce, 1});
  b3 = CaffeConvRelu(g, p + "5x5", p + "relu_5x5", b3, {s.c5x5, 5, 1, 2});
  std::string b4 = g.MaxPool(p + "pool", input, {3, 1, 1});
  b4 = CaffeConvRelu(g, p + "pool_proj", p + "relu_pool_proj", b4, {s.pool_proj, 1});
  return g.Concat(p + "output", {b1, b2, b3, b4});
}

// Caffe's aux classifier: avgpool 5/3, 1x1 conv 128 + ReLU, FC 1024 + ReLU, dropout 0.7,
// FC 1000.
std::string CaffeAux(GraphBuilder& g, const std::string& p, const std::string& input) {
  std::string x = g.AvgPool(p + "/ave_pool", input, {5, 3});
  x = CaffeConvRelu(g, p + "/conv", p + "/relu_conv", x, {128, 1});
  x = g.Relu(p + "/relu_fc", g.Linear(p + "/fc", x, 1024, p + "/fc"));
  x = g.Dropout(p + "/drop_fc", x, 0.7f);
  return g.Linear(p + "/classifier", x, 1000, p + "/classifier");
}

// --- torchvision -------------------------------------------------------------------------

constexpr float kBnEps = 0.001f;

// BasicConv2d: conv (no bias) + BatchNorm(eps 0.001) + ReLU, named `<module>.conv` etc.
std::string BasicConv(GraphBuilder& g, const std::string& module, const std::string& input,
                      ConvSpec spec) {
  spec.bias = false;
  std::string x = g.Conv(module + ".conv", input, spec, module + ".conv");
  x = g.BatchNorm(module + ".bn", x, kBnEps, module + ".bn");
  return g.Relu(module + ".relu", x);
}

std::string TorchInception(GraphBuilder& g, const std::string& m, const InceptionSpec& s,
                           const std::string& input) {
  std::string b1 = BasicConv(g, m + ".branch1", input, {s.c1x1, 1});
  std::string b2 = BasicConv(g, m + ".branch2.0", input, {s.c3x3_reduce, 1});
  b2 = BasicConv(g, m + ".branch2.1", b2, {s.c3x3, 3, 1, 1});
  std::string b3 = BasicConv(g, m + ".branch3.0", input, {s.c5x5_reduce, 1});
  b3 = BasicConv(g, m + ".branch3.1", b3, {s.c5x5, 3, 1, 1});  // 3x3, as torchvision has it
  std::string b4 = g.MaxPool(m + ".branch4.0", input, {3, 1, 1, true});
  b4 = BasicConv(g, m + ".branch4.1", b4, {s.pool_proj, 1});
  return g.Concat(m, {b1, b2, b3, b4});
}

// InceptionAux: adaptive avgpool 4x4, BasicConv2d 1x1 128, flatten, fc1 1024 + ReLU,
// dropout 0.7, fc2 1000.
std::string TorchAux(GraphBuilder& g, const std::string& m, const std::string& input) {
  std::string x = g.AdaptiveAvgPool(m + ".avgpool", input, 4, 4);
  x = BasicConv(g, m + ".conv", x, {128, 1});
  x = g.Flatten(m + ".flatten", x);
  x = g.Relu(m + ".relu", g.Linear(m + ".fc1", x, 1024, m + ".fc1"));
  x = g.Dropout(m + ".dropout", x, 0.7f);
  return g.Linear(m + ".fc2", x, 1000, m + ".fc2");
}

}  // namespace

Graph BuildGoogLeNetCaffe() {
  GraphBuilder g("googlenet");
  std::string x = g.Input("data", {1, 3, 224, 224});
  x = CaffeConvRelu(g, "conv1/7x7_s2", "conv1/relu_7x7", x, {64, 7, 2, 3});
  x = g.MaxPool("pool1/3x3_s2", x, {3, 2});
  x = g.Lrn("pool1/norm1", x, 5, 1e-4f, 0.75f);
  x = CaffeConvRelu(g, "conv2/3x3_reduce", "conv2/relu_3x3_reduce", x, {64, 1});
  x = CaffeConvRelu(g, "conv2/3x3", "conv2/relu_3x3", x, {192, 3, 1, 1});
  x = g.Lrn("conv2/norm2", x, 5, 1e-4f, 0.75f);
  x = g.MaxPool("pool2/3x3_s2", x, {3, 2});
  x = CaffeInception(g, Block("3a"), x);
  x = CaffeInception(g, Block("3b"), x);
  x = g.MaxPool("pool3/3x3_s2", x, {3, 2});
  x = CaffeInception(g, Block("4a"), x);
  std::string aux1 = CaffeAux(g, "loss1", x);
  for (const char* b : {"4b", "4c", "4d"}) x = CaffeInception(g, Block(b), x);
  std::string aux2 = CaffeAux(g, "loss2", x);
  x = CaffeInception(g, Block("4e"), x);
  x = g.MaxPool("pool4/3x3_s2", x, {3, 2});
  x = CaffeInception(g, Block("5a"), x);
  x = CaffeInception(g, Block("5b"), x);
  x = g.AvgPool("pool5/7x7_s1", x, {7, 1, 0, false});
  x = g.Dropout("pool5/drop_7x7_s1", x, 0.4f);
  x = g.Linear("loss3/classifier", x, 1000, "loss3/classifier");
  x = g.Softmax("prob", x);
  return g.Finish({x}, {aux1, aux2});
}

Graph BuildGoogLeNetTorchvision() {
  GraphBuilder g("googlenet_torchvision");
  std::string x = g.Input("x", {1, 3, 224, 224});
  // transform_input: x_c = x_c * (std_c / 0.5) + (mean_c - 0.5) / 0.5 re-normalises from
  // the ImageNet mean/std to the [-1, 1] range the pretrained weights were trained on.
  x = g.ChannelAffine("transform_input", x, {0.229f / 0.5f, 0.224f / 0.5f, 0.225f / 0.5f},
                      {(0.485f - 0.5f) / 0.5f, (0.456f - 0.5f) / 0.5f, (0.406f - 0.5f) / 0.5f});
  x = BasicConv(g, "conv1", x, {64, 7, 2, 3});
  x = g.MaxPool("maxpool1", x, {3, 2, 0, true});
  x = BasicConv(g, "conv2", x, {64, 1});
  x = BasicConv(g, "conv3", x, {192, 3, 1, 1});
  x = g.MaxPool("maxpool2", x, {3, 2, 0, true});
  x = TorchInception(g, "inception3a", Block("3a"), x);
  x = TorchInception(g, "inception3b", Block("3b"), x);
  x = g.MaxPool("maxpool3", x, {3, 2, 0, true});
  x = TorchInception(g, "inception4a", Block("4a"), x);
  std::string aux1 = TorchAux(g, "aux1", x);
  for (const char* b : {"4b", "4c", "4d"})
    x = TorchInception(g, std::string("inception") + b, Block(b), x);
  std::string aux2 = TorchAux(g, "aux2", x);
  x = TorchInception(g, "inception4e", Block("4e"), x);
  x = g.MaxPool("maxpool4", x, {2, 2, 0, true});
  x = TorchInception(g, "inception5a", Block("5a"), x);
  x = TorchInception(g, "inception5b", Block("5b"), x);
  x = g.AdaptiveAvgPool("avgpool", x, 1, 1);
  x = g.Flatten("flatten", x);
  x = g.Dropout("dropout", x, 0.2f);
  x = g.Linear("fc", x, 1000, "fc");
  return g.Finish({x}, {aux1, aux2});
}

}  // namespace incept::zoo

// Inception-v3 as torchvision builds it (torchvision/models/inception.py, 0.14): the blocks
// below follow Inception3, InceptionA..E and InceptionAux module by module.
#include "model_zoo/inception_v3.h"

#include <string>

#include "model_zoo/graph_builder.h"

namespace incept::zoo {
namespace {

constexpr float kBnEps = 0.001f;

// A conv's kernel and padding, height by width (torchvision's kernel_size=(1, 7),
// padding=(0, 3)).
struct Kernel {
  int h, w;
  int pad_h = 0, pad_w = 0;
  int stride = 1;
};

constexpr Kernel k1x1{1, 1};
constexpr Kernel k3x3{3, 3};
constexpr Kernel k3x3Pad{3, 3, 1, 1};
constexpr Kernel k3x3Stride2{3, 3, 0, 0, 2};
constexpr Kernel k5x5Pad{5, 5, 2, 2};
constexpr Kernel k1x7{1, 7, 0, 3};
constexpr Kernel k7x1{7, 1, 3, 0};
constexpr Kernel k1x3{1, 3, 0, 1};
constexpr Kernel k3x1{3, 1, 1, 0};

// BasicConv2d: conv (no bias) + BatchNorm(eps 0.001) + ReLU, named `<module>.conv` etc.
std::string BasicConv(GraphBuilder& g, const std::string& module, const std::string& input,
                      int out_channels, Kernel k) {
  ConvSpec spec{out_channels, k.h, k.stride, k.pad_h, false, k.w, k.pad_w};
  std::string x = g.Conv(module + ".conv", input, spec, module + ".conv");
  x = g.BatchNorm(module + ".bn", x, kBnEps, module + ".bn");
  return g.Relu(module + ".relu", x);
}

// F.avg_pool2d(x, kernel_size=3, stride=1, padding=1): count_include_pad, no ceil mode.
std::string AvgPool3x3(GraphBuilder& g, const std::string& m, const std::string& input) {
  return g.AvgPool(m + ".avg_pool", input, {3, 1, 1, false});
}

// F.max_pool2d(x, kernel_size=3, stride=2) / nn.MaxPool2d(3, 2): no ceil mode.
std::string MaxPool3x3Stride2(GraphBuilder& g, const std::string& name, const std::string& input) {
  return g.MaxPool(name, input, {3, 2, 0, false});
}

// InceptionA: 1x1 64 | 1x1 48 -> 5x5 64 | 1x1 64 -> 3x3 96 -> 3x3 96 | avg -> 1x1 pool.
std::string InceptionA(GraphBuilder& g, const std::string& m, const std::string& x,
                       int pool_features) {
  std::string b1 = BasicConv(g, m + ".branch1x1", x, 64, k1x1);
  std::string b5 = BasicConv(g, m + ".branch5x5_1", x, 48, k1x1);
  b5 = BasicConv(g, m + ".branch5x5_2", b5, 64, k5x5Pad);
  std::string b3 = BasicConv(g, m + ".branch3x3dbl_1", x, 64, k1x1);
  b3 = BasicConv(g, m + ".branch3x3dbl_2", b3, 96, k3x3Pad);
  b3 = BasicConv(g, m + ".branch3x3dbl_3", b3, 96, k3x3Pad);
  std::string bp = BasicConv(g, m + ".branch_pool", AvgPool3x3(g, m, x), pool_features, k1x1);
  return g.Concat(m, {b1, b5, b3, bp});
}

// InceptionB (grid reduction 35 -> 17): 3x3/2 384 | 1x1 64 -> 3x3 96 -> 3x3/2 96 | max.
std::string InceptionB(GraphBuilder& g, const std::string& m, const std::string& x) {
  std::string b3 = BasicConv(g, m + ".branch3x3", x, 384, k3x3Stride2);
  std::string bd = BasicConv(g, m + ".branch3x3dbl_1", x, 64, k1x1);
  bd = BasicConv(g, m + ".branch3x3dbl_2", bd, 96, k3x3Pad);
  bd = BasicConv(g, m + ".branch3x3dbl_3", bd, 96, k3x3Stride2);
  std::string bp = MaxPool3x3Stride2(g, m + ".max_pool", x);
  return g.Concat(m, {b3, bd, bp});
}

// InceptionC (17x17, factorised 7x7): 1x1 192 | 1x1 c7 -> 1x7 c7 -> 7x1 192 |
// 1x1 c7 -> 7x1 c7 -> 1x7 c7 -> 7x1 c7 -> 1x7 192 | avg -> 1x1 192.
std::string InceptionC(GraphBuilder& g, const std::string& m, const std::string& x, int c7) {
  std::string b1 = BasicConv(g, m + ".branch1x1", x, 192, k1x1);
  std::string b7 = BasicConv(g, m + ".branch7x7_1", x, c7, k1x1);
  b7 = BasicConv(g, m + ".branch7x7_2", b7, c7, k1x7);
  b7 = BasicConv(g, m + ".branch7x7_3", b7, 192, k7x1);
  std::string bd = BasicConv(g, m + ".branch7x7dbl_1", x, c7, k1x1);
  bd = BasicConv(g, m + ".branch7x7dbl_2", bd, c7, k7x1);
  bd = BasicConv(g, m + ".branch7x7dbl_3", bd, c7, k1x7);
  bd = BasicConv(g, m + ".branch7x7dbl_4", bd, c7, k7x1);
  bd = BasicConv(g, m + ".branch7x7dbl_5", bd, 192, k1x7);
  std::string bp = BasicConv(g, m + ".branch_pool", AvgPool3x3(g, m, x), 192, k1x1);
  return g.Concat(m, {b1, b7, bd, bp});
}

// InceptionD (grid reduction 17 -> 8): 1x1 192 -> 3x3/2 320 |
// 1x1 192 -> 1x7 192 -> 7x1 192 -> 3x3/2 192 | max.
std::string InceptionD(GraphBuilder& g, const std::string& m, const std::string& x) {
  std::string b3 = BasicConv(g, m + ".branch3x3_1", x, 192, k1x1);
  b3 = BasicConv(g, m + ".branch3x3_2", b3, 320, k3x3Stride2);
  std::string b7 = BasicConv(g, m + ".branch7x7x3_1", x, 192, k1x1);
  b7 = BasicConv(g, m + ".branch7x7x3_2", b7, 192, k1x7);
  b7 = BasicConv(g, m + ".branch7x7x3_3", b7, 192, k7x1);
  b7 = BasicConv(g, m + ".branch7x7x3_4", b7, 192, k3x3Stride2);
  std::string bp = MaxPool3x3Stride2(g, m + ".max_pool", x);
  return g.Concat(m, {b3, b7, bp});
}

// InceptionE (8x8, expanded filter bank): 1x1 320 | 1x1 384 -> [1x3 384, 3x1 384] |
// 1x1 448 -> 3x3 384 -> [1x3 384, 3x1 384] | avg -> 1x1 192. Each [a, b] is a concat of
// two convs reading the same value (torch.cat inside the block), itself an input of the
// block's concat.
std::string InceptionE(GraphBuilder& g, const std::string& m, const std::string& x) {
  std::string b1 = BasicConv(g, m + ".branch1x1", x, 320, k1x1);
  std::string b3 = BasicConv(g, m + ".branch3x3_1", x, 384, k1x1);
  b3 = g.Concat(m + ".branch3x3", {BasicConv(g, m + ".branch3x3_2a", b3, 384, k1x3),
                                   BasicConv(g, m + ".branch3x3_2b", b3, 384, k3x1)});
  std::string bd = BasicConv(g, m + ".branch3x3dbl_1", x, 448, k1x1);
  bd = BasicConv(g, m + ".branch3x3dbl_2", bd, 384, k3x3Pad);
  bd = g.Concat(m + ".branch3x3dbl", {BasicConv(g, m + ".branch3x3dbl_3a", bd, 384, k1x3),
                                      BasicConv(g, m + ".branch3x3dbl_3b", bd, 384, k3x1)});
  std::string bp = BasicConv(g, m + ".branch_pool", AvgPool3x3(g, m, x), 192, k1x1);
  return g.Concat(m, {b1, b3, bd, bp});
}

// InceptionAux at Mixed_6e: avg_pool 5/3, conv0 1x1 128, conv1 5x5 768, adaptive average
// pool to 1x1, flatten, fc 768 -> 1000 (no dropout).
std::string InceptionAux(GraphBuilder& g, const std::string& m, const std::string& input) {
  std::string x = g.AvgPool(m + ".avg_pool", input, {5, 3, 0, false});
  x = BasicConv(g, m + ".conv0", x, 128, k1x1);
  x = BasicConv(g, m + ".conv1", x, 768, {5, 5});
  x = g.AdaptiveAvgPool(m + ".adaptive_avg_pool", x, 1, 1);
  x = g.Flatten(m + ".flatten", x);
  return g.Linear(m + ".fc", x, 1000, m + ".fc");
}

}  // namespace

Graph BuildInceptionV3Torchvision() {
  GraphBuilder g("inception_v3_torchvision");
  std::string x = g.Input("x", {1, 3, 299, 299});
  // transform_input (on for torchvision's pretrained weights): x_c = x_c * (std_c / 0.5) +
  // (mean_c - 0.5) / 0.5, from the ImageNet mean/std to the [-1, 1] range.
  x = g.ChannelAffine("transform_input", x, {0.229f / 0.5f, 0.224f / 0.5f, 0.225f / 0.5f},
                      {(0.485f - 0.5f) / 0.5f, (0.456f - 0.5f) / 0.5f, (0.406f - 0.5f) / 0.5f});
  x = BasicConv(g, "Conv2d_1a_3x3", x, 32, k3x3Stride2);
  x = BasicConv(g, "Conv2d_2a_3x3", x, 32, k3x3);
  x = BasicConv(g, "Conv2d_2b_3x3", x, 64, k3x3Pad);
  x = MaxPool3x3Stride2(g, "maxpool1", x);
  x = BasicConv(g, "Conv2d_3b_1x1", x, 80, k1x1);
  x = BasicConv(g, "Conv2d_4a_3x3", x, 192, k3x3);
  x = MaxPool3x3Stride2(g, "maxpool2", x);
  x = InceptionA(g, "Mixed_5b", x, 32);
  x = InceptionA(g, "Mixed_5c", x, 64);
  x = InceptionA(g, "Mixed_5d", x, 64);
  x = InceptionB(g, "Mixed_6a", x);
  x = InceptionC(g, "Mixed_6b", x, 128);
  x = InceptionC(g, "Mixed_6c", x, 160);
  x = InceptionC(g, "Mixed_6d", x, 160);
  x = InceptionC(g, "Mixed_6e", x, 192);
  std::string aux = InceptionAux(g, "AuxLogits", x);
  x = InceptionD(g, "Mixed_7a", x);
  x = InceptionE(g, "Mixed_7b", x);
  x = InceptionE(g, "Mixed_7c", x);
  x = g.AdaptiveAvgPool("avgpool", x, 1, 1);
  x = g.Dropout("dropout", x, 0.5f);
  x = g.Flatten("flatten", x);
  x = g.Linear("fc", x, 1000, "fc");
  return g.Finish({x}, {aux});
}

}  // namespace incept::zoo

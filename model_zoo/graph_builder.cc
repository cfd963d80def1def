#include "model_zoo/graph_builder.h"

#include "graph/error.h"
#include "graph/op_registry.h"
#include "graph/shape_inference.h"

namespace incept::zoo {

GraphBuilder::GraphBuilder(std::string graph_name) { graph_.name = std::move(graph_name); }

// Infers the new node's shape at once, so later nodes can ask for channels().
std::string GraphBuilder::Add(Node node) {
  std::vector<Shape> in;
  for (const std::string& input : node.inputs) in.push_back(graph_.at(input).shape);
  node.shape = GetOpInfo(node.op).infer_shape(node, in);
  graph_.nodes.push_back(node);
  return node.name;
}

int64_t GraphBuilder::channels(const std::string& value) const { return graph_.at(value).shape.c; }

int64_t GraphBuilder::features(const std::string& value) const {
  return graph_.at(value).shape.per_image();
}

std::string GraphBuilder::Input(const std::string& name, Shape shape) {
  Node node;
  node.name = name;
  node.op = OpKind::kInput;
  node.attrs = InputAttrs{shape};
  return Add(node);
}

std::string GraphBuilder::Conv(const std::string& name, const std::string& input,
                               const ConvSpec& spec, const std::string& param_prefix) {
  Node node;
  node.name = name;
  node.op = OpKind::kConv2d;
  node.inputs = {input};
  Conv2dAttrs a;
  a.in_channels = static_cast<int>(channels(input));
  a.out_channels = spec.out_channels;
  const int kernel_w = spec.kernel_w > 0 ? spec.kernel_w : spec.kernel;
  const int pad_w = spec.pad_w >= 0 ? spec.pad_w : spec.pad;
  a.window = {spec.kernel, kernel_w, spec.stride, spec.stride, spec.pad, pad_w, spec.pad, pad_w};
  a.has_bias = spec.bias;
  node.attrs = a;
  node.params["weight"] = param_prefix + ".weight";
  if (spec.bias) node.params["bias"] = param_prefix + ".bias";
  return Add(node);
}

std::string GraphBuilder::BatchNorm(const std::string& name, const std::string& input, float eps,
                                    const std::string& param_prefix) {
  Node node;
  node.name = name;
  node.op = OpKind::kBatchNorm;
  node.inputs = {input};
  node.attrs = BatchNormAttrs{eps};
  for (const char* role : {"weight", "bias", "running_mean", "running_var"})
    node.params[role] = param_prefix + "." + role;
  return Add(node);
}

namespace {

Node Simple(const std::string& name, OpKind op, std::vector<std::string> inputs, OpAttrs attrs) {
  Node node;
  node.name = name;
  node.op = op;
  node.inputs = std::move(inputs);
  node.attrs = std::move(attrs);
  return node;
}

PoolAttrs ToPoolAttrs(const PoolSpec& s) {
  PoolAttrs a;
  a.window = {s.kernel, s.kernel, s.stride, s.stride, s.pad, s.pad, s.pad, s.pad};
  a.ceil_mode = s.ceil_mode;
  return a;
}

}  // namespace

std::string GraphBuilder::Relu(const std::string& name, const std::string& input) {
  return Add(Simple(name, OpKind::kReLU, {input}, EmptyAttrs{}));
}

std::string GraphBuilder::MaxPool(const std::string& name, const std::string& input,
                                  const PoolSpec& spec) {
  return Add(Simple(name, OpKind::kMaxPool, {input}, ToPoolAttrs(spec)));
}

std::string GraphBuilder::AvgPool(const std::string& name, const std::string& input,
                                  const PoolSpec& spec) {
  return Add(Simple(name, OpKind::kAvgPool, {input}, ToPoolAttrs(spec)));
}

std::string GraphBuilder::AdaptiveAvgPool(const std::string& name, const std::string& input,
                                          int out_h, int out_w) {
  return Add(Simple(name, OpKind::kAdaptiveAvgPool, {input}, AdaptiveAvgPoolAttrs{out_h, out_w}));
}

std::string GraphBuilder::Lrn(const std::string& name, const std::string& input, int size,
                              float alpha, float beta) {
  LrnAttrs a;
  a.size = size;
  a.alpha = alpha;
  a.beta = beta;
  a.k = 1.0f;
  return Add(Simple(name, OpKind::kLRN, {input}, a));
}

std::string GraphBuilder::Concat(const std::string& name, const std::vector<std::string>& inputs) {
  return Add(Simple(name, OpKind::kConcat, inputs, EmptyAttrs{}));
}

std::string GraphBuilder::Dropout(const std::string& name, const std::string& input, float p) {
  return Add(Simple(name, OpKind::kDropout, {input}, DropoutAttrs{p}));
}

std::string GraphBuilder::Flatten(const std::string& name, const std::string& input) {
  return Add(Simple(name, OpKind::kFlatten, {input}, EmptyAttrs{}));
}

std::string GraphBuilder::Linear(const std::string& name, const std::string& input,
                                 int out_features, const std::string& param_prefix) {
  LinearAttrs a;
  a.in_features = static_cast<int>(features(input));
  a.out_features = out_features;
  a.has_bias = true;
  Node node = Simple(name, OpKind::kLinear, {input}, a);
  node.params = {{"weight", param_prefix + ".weight"}, {"bias", param_prefix + ".bias"}};
  return Add(node);
}

std::string GraphBuilder::Softmax(const std::string& name, const std::string& input) {
  return Add(Simple(name, OpKind::kSoftmax, {input}, EmptyAttrs{}));
}

std::string GraphBuilder::ChannelAffine(const std::string& name, const std::string& input,
                                        std::vector<float> scale, std::vector<float> shift) {
  return Add(Simple(name, OpKind::kChannelAffine, {input},
                    ChannelAffineAttrs{std::move(scale), std::move(shift)}));
}

Graph GraphBuilder::Finish(std::vector<std::string> outputs, std::vector<std::string> aux_outputs) {
  graph_.outputs = std::move(outputs);
  graph_.aux_outputs = std::move(aux_outputs);
  InferShapes(graph_);
  return graph_;
}

}  // namespace incept::zoo

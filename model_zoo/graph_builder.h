// GraphBuilder: appends nodes to a Graph in topological order, tracking each value's
// channel count so builders only state what the paper states. Each method returns the name
// of the value it produced.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace incept::zoo {

// A conv's window: `kernel` and `pad` apply to both axes unless kernel_w / pad_w are set
// (an asymmetric kernel such as 1x7: kernel 1, kernel_w 7, pad 0, pad_w 3).
struct ConvSpec {
  int out_channels;
  int kernel;
  int stride = 1;
  int pad = 0;
  bool bias = true;
  int kernel_w = 0;  // 0: kernel
  int pad_w = -1;    // -1: pad
};

struct PoolSpec {
  int kernel;
  int stride;
  int pad = 0;
  bool ceil_mode = true;
};

class GraphBuilder {
 public:
  explicit GraphBuilder(std::string graph_name);

  std::string Input(const std::string& name, Shape shape);
  // Parameters are named `<param_prefix>.weight` and `<param_prefix>.bias`.
  std::string Conv(const std::string& name, const std::string& input, const ConvSpec& spec,
                   const std::string& param_prefix);
  std::string BatchNorm(const std::string& name, const std::string& input, float eps,
                        const std::string& param_prefix);
  std::string Relu(const std::string& name, const std::string& input);
  std::string MaxPool(const std::string& name, const std::string& input, const PoolSpec& spec);
  std::string AvgPool(const std::string& name, const std::string& input, const PoolSpec& spec);
  std::string AdaptiveAvgPool(const std::string& name, const std::string& input, int out_h,
                              int out_w);
  std::string Lrn(const std::string& name, const std::string& input, int size, float alpha,
                  float beta);
  std::string Concat(const std::string& name, const std::vector<std::string>& inputs);
  std::string Dropout(const std::string& name, const std::string& input, float p);
  std::string Flatten(const std::string& name, const std::string& input);
  std::string Linear(const std::string& name, const std::string& input, int out_features,
                     const std::string& param_prefix);
  std::string Softmax(const std::string& name, const std::string& input);
  std::string ChannelAffine(const std::string& name, const std::string& input,
                            std::vector<float> scale, std::vector<float> shift);

  // Shape inference runs here; throws Error if the graph is inconsistent.
  Graph Finish(std::vector<std::string> outputs, std::vector<std::string> aux_outputs);

  int64_t channels(const std::string& value) const;
  int64_t features(const std::string& value) const;  // C*H*W, for Linear

 private:
  std::string Add(Node node);
  Graph graph_;
};

}  // namespace incept::zoo

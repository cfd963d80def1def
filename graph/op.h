// The operators of the graph IR and their attributes.
//
// Each op kind has one attribute struct (several kinds may share one, e.g. MaxPool and
// AvgPool both use PoolAttrs). A node stores its attributes in the OpAttrs variant; the
// op table (op_registry.h) maps each kind to its name, shape inference, parameter shapes
// and cost.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "graph/shape.h"

namespace incept {

enum class OpKind {
  kInput,            // the network input; attrs: InputAttrs
  kConv2d,           // attrs: Conv2dAttrs; params: weight [, bias]
  kFusedReduceConv,  // 1x1 conv + bias + ReLU feeding a KxK conv; attrs: FusedReduceConvAttrs
                     // params: reduce_weight, reduce_bias, weight, bias
  kReLU,             // attrs: EmptyAttrs
  kMaxPool,          // attrs: PoolAttrs
  kAvgPool,          // attrs: PoolAttrs
  kAdaptiveAvgPool,  // attrs: AdaptiveAvgPoolAttrs
  kLRN,              // attrs: LrnAttrs (across channels, Caffe's formula)
  kBatchNorm,        // attrs: BatchNormAttrs; params: weight, bias, running_mean, running_var
  kConcat,           // channel concat; attrs: EmptyAttrs
  kDropout,          // identity at inference; attrs: DropoutAttrs
  kFlatten,          // (N,C,H,W) -> (N,C*H*W), rank 2; attrs: EmptyAttrs
  kLinear,           // attrs: LinearAttrs; params: weight [, bias]
  kSoftmax,          // over channels; attrs: EmptyAttrs
  kChannelAffine,    // y[c] = x[c] * scale[c] + shift[c]; attrs: ChannelAffineAttrs
  kAdd,              // elementwise sum of two inputs; attrs: EmptyAttrs
  kChannelSlice,     // y = x[:, o:o+c]; attrs: ChannelSliceAttrs (a view, never launched)
};

enum class Activation { kNone, kReLU };

// A 2-D sliding window: kernel, stride and padding per side (top, left, bottom, right).
struct Window2d {
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool operator==(const Window2d& o) const;
};

struct EmptyAttrs {
  bool operator==(const EmptyAttrs&) const { return true; }
};

struct InputAttrs {
  Shape shape;  // the default input shape; the engine re-infers shapes for others
  bool operator==(const InputAttrs& o) const { return shape == o.shape; }
};

struct Conv2dAttrs {
  int in_channels = 0;  // checked against the producer's channels
  int out_channels = 0;
  Window2d window;
  int groups = 1;
  bool has_bias = false;
  Activation activation = Activation::kNone;
  bool operator==(const Conv2dAttrs& o) const;
};

// y = act(conv(relu(reduce(x)))), where reduce is a 1x1 stride-1 unpadded conv with bias.
// The KxK conv's zero padding applies to the reduced tensor: outside the image it is 0,
// not ReLU(reduce_bias).
struct FusedReduceConvAttrs {
  int in_channels = 0;      // input channels of the 1x1 reduce conv
  int reduce_channels = 0;  // output channels of the 1x1 reduce conv
  Conv2dAttrs conv;         // the KxK conv (in_channels = reduce_channels)
  bool operator==(const FusedReduceConvAttrs& o) const;
};

struct PoolAttrs {
  Window2d window;
  bool ceil_mode = false;
  bool count_include_pad = true;  // AvgPool only: divisor counts padding inside the window
  bool operator==(const PoolAttrs& o) const;
};

struct AdaptiveAvgPoolAttrs {
  int out_h = 1, out_w = 1;
  bool operator==(const AdaptiveAvgPoolAttrs& o) const;
};

// Caffe's across-channel LRN: y = x / (k + alpha/size * sum_{window} x^2)^beta.
struct LrnAttrs {
  int size = 5;
  float alpha = 1e-4f, beta = 0.75f, k = 1.0f;
  bool operator==(const LrnAttrs& o) const;
};

struct BatchNormAttrs {
  float eps = 1e-5f;
  bool operator==(const BatchNormAttrs& o) const { return eps == o.eps; }
};

struct DropoutAttrs {
  float p = 0.5f;
  bool operator==(const DropoutAttrs& o) const { return p == o.p; }
};

struct LinearAttrs {
  int in_features = 0;  // checked against the producer's C*H*W
  int out_features = 0;
  bool has_bias = true;
  bool operator==(const LinearAttrs& o) const;
};

struct ChannelAffineAttrs {
  std::vector<float> scale, shift;  // one per channel
  bool operator==(const ChannelAffineAttrs& o) const;
};

// Channels [channel_offset, channel_offset + channels) of the input.
struct ChannelSliceAttrs {
  int channel_offset = 0;
  int channels = 0;
  bool operator==(const ChannelSliceAttrs& o) const {
    return channel_offset == o.channel_offset && channels == o.channels;
  }
};

using OpAttrs = std::variant<EmptyAttrs, InputAttrs, Conv2dAttrs, FusedReduceConvAttrs, PoolAttrs,
                             AdaptiveAvgPoolAttrs, LrnAttrs, BatchNormAttrs, DropoutAttrs,
                             LinearAttrs, ChannelAffineAttrs, ChannelSliceAttrs>;

}  // namespace incept

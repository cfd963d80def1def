#include "graph/op.h"

namespace incept {

bool Window2d::operator==(const Window2d& o) const {
  return kernel_h == o.kernel_h && kernel_w == o.kernel_w && stride_h == o.stride_h &&
         stride_w == o.stride_w && pad_top == o.pad_top && pad_left == o.pad_left &&
         pad_bottom == o.pad_bottom && pad_right == o.pad_right;
}

bool Conv2dAttrs::operator==(const Conv2dAttrs& o) const {
  return in_channels == o.in_channels && out_channels == o.out_channels && window == o.window &&
         groups == o.groups && has_bias == o.has_bias && activation == o.activation;
}

bool FusedReduceConvAttrs::operator==(const FusedReduceConvAttrs& o) const {
  return in_channels == o.in_channels && reduce_channels == o.reduce_channels && conv == o.conv;
}

bool PoolAttrs::operator==(const PoolAttrs& o) const {
  return window == o.window && ceil_mode == o.ceil_mode && count_include_pad == o.count_include_pad;
}

bool AdaptiveAvgPoolAttrs::operator==(const AdaptiveAvgPoolAttrs& o) const {
  return out_h == o.out_h && out_w == o.out_w;
}

bool LrnAttrs::operator==(const LrnAttrs& o) const {
  return size == o.size && alpha == o.alpha && beta == o.beta && k == o.k;
}

bool LinearAttrs::operator==(const LinearAttrs& o) const {
  return in_features == o.in_features && out_features == o.out_features && has_bias == o.has_bias;
}

bool ChannelAffineAttrs::operator==(const ChannelAffineAttrs& o) const {
  return scale == o.scale && shift == o.shift;
}

}  // namespace incept

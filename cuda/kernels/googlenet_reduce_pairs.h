// The 19 reduce -> KxK conv pairs of GoogLeNet (Inception v1, docs/design.md §10), the shapes the
// fused reduce conv is tested and benchmarked on: the stem's conv2 (1x1, 64) -> conv3 (3x3,
// 192) at 56x56, and each Inception block's 3x3 and 5x5 branch (torchvision's branch3 uses
// a 3x3 kernel; the paper's 5x5 is listed here). All stride 1, "same" padding.
#pragma once

#include <vector>

namespace incept {

// One reduce -> KxK pair of GoogLeNet: input (C, H, W), reduce width, conv output, kernel.
struct GoogLeNetReducePair {
  const char* name;
  int in_c, map, reduce_c, out_c, kernel;
};

// The stem's conv2 (1x1 64) -> conv3 (3x3 192), and the 3x3 and 5x5 branches of 3a..5b.
inline const std::vector<GoogLeNetReducePair>& GoogLeNetReducePairs() {
  static const std::vector<GoogLeNetReducePair> pairs = {
      {"conv2_conv3", 64, 56, 64, 192, 3}, {"3a_3x3", 192, 28, 96, 128, 3},
      {"3a_5x5", 192, 28, 16, 32, 5},      {"3b_3x3", 256, 28, 128, 192, 3},
      {"3b_5x5", 256, 28, 32, 96, 5},      {"4a_3x3", 480, 14, 96, 208, 3},
      {"4a_5x5", 480, 14, 16, 48, 5},      {"4b_3x3", 512, 14, 112, 224, 3},
      {"4b_5x5", 512, 14, 24, 64, 5},      {"4c_3x3", 512, 14, 128, 256, 3},
      {"4c_5x5", 512, 14, 24, 64, 5},      {"4d_3x3", 512, 14, 144, 288, 3},
      {"4d_5x5", 512, 14, 32, 64, 5},      {"4e_3x3", 528, 14, 160, 320, 3},
      {"4e_5x5", 528, 14, 32, 128, 5},     {"5a_3x3", 832, 7, 160, 320, 3},
      {"5a_5x5", 832, 7, 32, 128, 5},      {"5b_3x3", 832, 7, 192, 384, 3},
      {"5b_5x5", 832, 7, 48, 128, 5},
  };
  return pairs;
}

}  // namespace incept

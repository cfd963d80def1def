// Builders of the model zoo's GoogLeNets. The checked-in JSON files (model_zoo/*.json) are
// what users read and edit; tests/model_zoo keeps them equal to these builders' output, and
// `generate_model_zoo DIR` rewrites them.
#pragma once

#include "graph/graph.h"

namespace incept::zoo {

// The paper's network as Caffe's bvlc_googlenet has it: conv biases, LRN after pool1 and
// conv2/3x3, 5x5 branches, aux heads at 4a and 4d (aux_outputs), dropout 0.4, FC 1000,
// softmax. Node names as Caffe's layer names; parameters "<layer>.weight" / ".bias".
Graph BuildGoogLeNetCaffe();

// torchvision.models.googlenet(weights=...): BasicConv2d = conv (no bias) + BatchNorm
// (eps 0.001) + ReLU, ceil-mode max pools, branch3 with a 3x3 kernel, transform_input on,
// aux heads (aux_outputs), parameters named as its state_dict.
Graph BuildGoogLeNetTorchvision();

}  // namespace incept::zoo

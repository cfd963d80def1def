// Builder of the model zoo's Inception-v3 (model_zoo/inception_v3_torchvision.json; kept
// equal to this builder's output by tests/model_zoo, rewritten by `generate_model_zoo DIR`).
#pragma once

#include "graph/graph.h"

namespace incept::zoo {

// torchvision.models.inception_v3(weights=..., aux_logits=True, transform_input=True)
// (Szegedy et al. 2015, "Rethinking the Inception Architecture"), 299x299:
// BasicConv2d = conv (no bias) + BatchNorm (eps 0.001) + ReLU; Mixed_5b..5d (InceptionA),
// 6a (B), 6b..6e (C, with 1x7 / 7x1 kernels), 7a (D), 7b..7c (E, whose 1x3 / 3x1 pairs
// are concats inside the block's concat); 3x3 stride-1 average pools that count padding;
// the aux head at Mixed_6e (aux_outputs); dropout 0.5, fc 2048 -> 1000. Node names are
// torchvision's module names and parameters its state_dict keys.
Graph BuildInceptionV3Torchvision();

}  // namespace incept::zoo

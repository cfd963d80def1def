// ONNX import: an .onnx file (a protobuf ModelProto) becomes our Graph and its weights.
//
//   OnnxModel m = LoadOnnx("googlenet.onnx");
//   Engine engine(std::move(m.graph), std::move(m.weights), {});
//
// What is accepted (docs/onnx.md has the table): the default-domain ops of CNNs at opsets
// 7 to 17 (older files where each op they use is unchanged since), each converted by one function
// of the op table (onnx_op_table.h) with the attribute defaults of the ONNX spec. Patterns our IR
// expresses with fewer ops are folded at import: Pad (zeros) into the next Conv / AveragePool /
// MaxPool, MatMul + Add into a Linear, torchvision's transform_input (Gather of each channel,
// Unsqueeze, Mul, Add, Concat) into one ChannelAffine, elementwise arithmetic with constants into a
// ChannelAffine or the producing Linear.
//
// Values of rank 2, 3 and 4 are held as our 4-D NCHW activations: (N, F) as (N, F, 1, 1),
// (N, C, L) as (N, C, 1, L). The single non-constant graph input is the model's input; a
// symbolic batch dimension becomes batch 1 in the default shape (the engine runs any batch).
//
// Every failure throws incept::Error with one line naming the file and, for a node, its
// index, name, op type, opset and attribute:
//   m.onnx: node 3 "conv1" (Conv, opset 11): attribute "dilations" ...
// Unsupported ops, attributes and opsets throw OnnxUnsupported (an Error), so callers and
// the conformance test can tell "not supported" from "broken".
//
// Thread safety: the functions are reentrant (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace incept {

// The default-domain opsets the importer reads: 7 to 17, and older files (down to 1) when
// every op they use has kept the definition it has at opset 7.
constexpr int64_t kOnnxMinOpset = 7;
constexpr int64_t kOnnxMaxOpset = 17;
constexpr int64_t kOnnxOldestOpset = 1;
// Larger files are refused before parsing (protobuf's own ceiling is 2 GiB).
constexpr size_t kOnnxMaxFileBytes = size_t{1} << 30;

// Something the file asks for that the importer does not implement (an op, an attribute
// value, an opset, a pattern), as opposed to a malformed file.
class OnnxUnsupported : public Error {
 public:
  using Error::Error;
};

struct OnnxImportOptions {
  // Graph inputs to treat as constants (their values known at import), by input name:
  // how ONNX's node tests, which pass weights as inputs, are imported.
  std::map<std::string, Tensor> constant_inputs;
};

struct OnnxModel {
  Graph graph;        // validated, shapes inferred
  WeightMap weights;  // the initializers the graph uses (some folded or reshaped)
  int64_t opset = 0;  // the default-domain opset of the file
  // The ONNX rank (2, 3 or 4) of each graph output, in order: our outputs are 4-D.
  std::vector<int> output_ranks;
};

// `source` names the file in errors.
OnnxModel ParseOnnx(const uint8_t* data, size_t size, const std::string& source,
                    const OnnxImportOptions& options = {});
OnnxModel LoadOnnx(const std::string& path, const OnnxImportOptions& options = {});

// The ONNX op types the importer converts (default domain), sorted.
std::vector<std::string> OnnxSupportedOps();

// True if `path` names an ONNX file (the extension ".onnx", any case).
bool IsOnnxPath(const std::string& path);

// ONNX dims of rank 2, 3 or 4 as our NCHW shape ((N,F) -> (N,F,1,1), (N,C,L) -> (N,C,1,L)).
// Throws OnnxUnsupported for other ranks.
Shape OnnxDimsToShape(const std::vector<int64_t>& dims);

// A TensorProto (serialised bytes, e.g. an input_0.pb of ONNX's test data) as fp32; any
// float or integer type is converted. Throws Error for malformed or external data.
Tensor ParseOnnxTensor(const uint8_t* data, size_t size, const std::string& source);
Tensor LoadOnnxTensor(const std::string& path);

}  // namespace incept

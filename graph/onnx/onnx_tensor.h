// TensorProto -> Constant: every numeric element type, from raw_data (little-endian) or
// the typed repeated fields. Checked before use: dims non-negative with an element count
// that fits, the data holds exactly that many elements, no external or segmented data.
#pragma once

#include <string>

#include "graph/onnx/onnx_context.h"

namespace incept::onnx_import {

// `what` names the tensor in errors ("initializer \"conv1.weight\"").
Constant ConstantFromProto(const onnx::TensorProto& proto, const std::string& what);

// A Constant from a host tensor (float values; integral values also become ints).
Constant ConstantFromTensor(const Tensor& tensor, const std::string& name);

}  // namespace incept::onnx_import

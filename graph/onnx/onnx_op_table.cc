// The op table: ONNX op type -> converter (onnx_ops.h). One entry per supported op type.
#include "graph/onnx/onnx_ops.h"

namespace incept::onnx_import {

const std::vector<OpEntry>& OpTable() {
  static const std::vector<OpEntry> table = {
      {"Add", ConvertAdd},
      {"AveragePool", ConvertAveragePool},
      {"BatchNormalization", ConvertBatchNormalization},
      {"Concat", ConvertConcat},
      {"Constant", ConvertConstant},
      {"Conv", ConvertConv},
      {"Div", ConvertDiv},
      {"Dropout", ConvertDropout},
      {"Flatten", ConvertFlatten},
      {"Gather", ConvertGather},
      {"Gemm", ConvertGemm},
      {"GlobalAveragePool", ConvertGlobalAveragePool},
      {"Identity", ConvertIdentity},
      {"LRN", ConvertLrn},
      {"MatMul", ConvertMatMul},
      {"MaxPool", ConvertMaxPool},
      {"Mul", ConvertMul},
      {"Pad", ConvertPad},
      {"Relu", ConvertRelu},
      {"Reshape", ConvertReshape},
      {"Softmax", ConvertSoftmax},
      {"Sub", ConvertSub},
      {"Unsqueeze", ConvertUnsqueeze},
  };
  return table;
}

const OpEntry* FindOp(const std::string& op_type) {
  for (const OpEntry& e : OpTable())
    if (op_type == e.op_type) return &e;
  return nullptr;
}

}  // namespace incept::onnx_import

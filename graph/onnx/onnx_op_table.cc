// The op table: ONNX op type -> converter (onnx_ops.h). One entry per supported op type,
// with the first opset whose definition of the op is the one of opset 7 onward (files of
// opsets 1 to 6 load when every op they use is unchanged since).
#include "graph/onnx/onnx_ops.h"

namespace incept::onnx_import {

const std::vector<OpEntry>& OpTable() {
  static const std::vector<OpEntry> table = {
      {"Add", 7, ConvertAdd},
      {"AveragePool", 1, ConvertAveragePool},
      {"BatchNormalization", 7, ConvertBatchNormalization},
      {"Concat", 4, ConvertConcat},
      {"Constant", 1, ConvertConstant},
      {"Conv", 1, ConvertConv},
      {"Div", 7, ConvertDiv},
      {"Dropout", 7, ConvertDropout},
      {"Flatten", 1, ConvertFlatten},
      {"Gather", 1, ConvertGather},
      {"Gemm", 7, ConvertGemm},
      {"GlobalAveragePool", 1, ConvertGlobalAveragePool},
      {"Identity", 1, ConvertIdentity},
      {"LRN", 1, ConvertLrn},
      {"MatMul", 1, ConvertMatMul},
      {"MaxPool", 1, ConvertMaxPool},
      {"Mul", 7, ConvertMul},
      {"Pad", 2, ConvertPad},
      {"Relu", 6, ConvertRelu},
      {"Reshape", 5, ConvertReshape},
      {"Softmax", 1, ConvertSoftmax},
      {"Sub", 7, ConvertSub},
      {"Unsqueeze", 1, ConvertUnsqueeze},
  };
  return table;
}

const OpEntry* FindOp(const std::string& op_type) {
  for (const OpEntry& e : OpTable())
    if (op_type == e.op_type) return &e;
  return nullptr;
}

}  // namespace incept::onnx_import

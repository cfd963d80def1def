// The ONNX op converters, one function per op type, and the table that maps op types to
// them. Each converter reads its node's inputs and attributes through the Context and
// Attrs, adds what the node computes to our graph (or records a constant, an alias or a
// pattern in progress), and defines the node's outputs. Attribute defaults are the ONNX
// spec's, written beside each read.
#pragma once

#include <string>
#include <vector>

#include "graph/onnx/onnx_attrs.h"
#include "graph/onnx/onnx_context.h"

namespace incept::onnx_import {

using Converter = void (*)(Context& ctx, Attrs& attrs);

struct OpEntry {
  const char* op_type;
  // The op's definition at opset 7 dates from this opset: older files using it are read
  // with the same converter; files older than this are refused.
  int64_t first_opset;
  Converter convert;
};

const std::vector<OpEntry>& OpTable();
const OpEntry* FindOp(const std::string& op_type);  // nullptr if unsupported

// onnx_ops_window.cc
void ConvertConv(Context& ctx, Attrs& attrs);
void ConvertMaxPool(Context& ctx, Attrs& attrs);
void ConvertAveragePool(Context& ctx, Attrs& attrs);
void ConvertGlobalAveragePool(Context& ctx, Attrs& attrs);
void ConvertPad(Context& ctx, Attrs& attrs);

// onnx_ops_channel.cc
void ConvertBatchNormalization(Context& ctx, Attrs& attrs);
void ConvertLrn(Context& ctx, Attrs& attrs);
void ConvertRelu(Context& ctx, Attrs& attrs);
void ConvertSoftmax(Context& ctx, Attrs& attrs);
void ConvertDropout(Context& ctx, Attrs& attrs);
void ConvertIdentity(Context& ctx, Attrs& attrs);
void ConvertConcat(Context& ctx, Attrs& attrs);

// onnx_ops_dense.cc
void ConvertGemm(Context& ctx, Attrs& attrs);
void ConvertMatMul(Context& ctx, Attrs& attrs);
void ConvertFlatten(Context& ctx, Attrs& attrs);
void ConvertReshape(Context& ctx, Attrs& attrs);
void ConvertUnsqueeze(Context& ctx, Attrs& attrs);

// onnx_ops_arith.cc
void ConvertAdd(Context& ctx, Attrs& attrs);
void ConvertSub(Context& ctx, Attrs& attrs);
void ConvertMul(Context& ctx, Attrs& attrs);
void ConvertDiv(Context& ctx, Attrs& attrs);
void ConvertConstant(Context& ctx, Attrs& attrs);
void ConvertGather(Context& ctx, Attrs& attrs);

// Shared helpers.
// Normalises `axis` of a rank-`rank` tensor to [0, rank), failing outside [-rank, rank).
int64_t NormalizeAxis(const Context& ctx, int64_t axis, int rank, const char* attr);
// Defines output 0 as the same value as `v` with ONNX rank `rank` (no node).
void DefineAlias(Context& ctx, const Value& v, int rank);

}  // namespace incept::onnx_import

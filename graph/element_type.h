// Element types, layouts and precisions: what a value's bytes hold (docs/design.md §7).
//
//   ElementType  how one element is stored: fp32 (4 B), fp16 (IEEE binary16, 2 B),
//                bf16 (bfloat16, the top half of an fp32, 2 B).
//   Layout       how a 4-D value's elements are ordered: NCHW (index ((n*C + c)*H + h)*W + w)
//                or NHWC (index ((n*H + h)*W + w)*C + c). For H = W = 1 both are the same.
//   Precision    the engine's policy (EngineOptions::precision): fp32 (exact), tf32 (fp32
//                data, tensor-op math on the convs and the FC), fp16 and bf16 (the convs
//                and the FC on tensor cores in the reduced type with fp32 accumulation,
//                reductions in fp32; the policy itself is graph/planner/precision_policy.h).
#pragma once

#include <cstdint>
#include <string>

namespace incept {

enum class ElementType { kF32, kF16, kBF16 };
enum class Layout { kNCHW, kNHWC };
enum class Precision { kFp32, kTf32, kFp16, kBf16 };

int64_t ElementSize(ElementType type);           // bytes: 4, 2, 2
const char* ElementTypeName(ElementType type);   // "fp32", "fp16", "bf16"
const char* LayoutName(Layout layout);           // "NCHW", "NHWC"
const char* PrecisionName(Precision precision);  // "fp32", "tf32", "fp16", "bf16"

// "fp32", "tf32", "fp16" or "bf16"; anything else throws Error naming the valid names.
Precision ParsePrecision(const std::string& name);
// "fp32, tf32, fp16, bf16" (for help texts and errors).
std::string PrecisionNames();

// The element type activations and weights of tensor-core ops are stored in under a
// precision: fp32 for fp32 and tf32, else the reduced type.
ElementType StorageType(Precision precision);
// Whether the precision stores the body of the network in a 16-bit type.
bool IsReduced(Precision precision);

}  // namespace incept

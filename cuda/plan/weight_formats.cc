// Weight formats of the CUDA backend (weight_formats.h).
#include "cuda/plan/weight_formats.h"

#include <cstring>

#include "graph/error.h"
#include "graph/float16.h"
#include "graph/weight_pack.h"

namespace incept {
namespace cuda {
namespace {

// role -> format, per tensor-core op, with T the storage type.
struct RoleFormat {
  OpKind op;
  const char* role;
  bool store_reduced;  // else fp32 holding values rounded to T
  Layout layout;
};

constexpr RoleFormat kRoleFormats[] = {
    {OpKind::kConv2d, "weight", true, Layout::kNHWC},
    {OpKind::kConv2d, "bias", true, Layout::kNCHW},
    {OpKind::kLinear, "weight", true, Layout::kNCHW},
    {OpKind::kLinear, "bias", false, Layout::kNCHW},
    // The tensor-core fused reduce conv packs its filters itself from fp32 (already rounded,
    // so packing rounds nothing again) and adds fp32 biases.
    {OpKind::kFusedReduceConv, "reduce_weight", false, Layout::kNCHW},
    {OpKind::kFusedReduceConv, "reduce_bias", false, Layout::kNCHW},
    {OpKind::kFusedReduceConv, "weight", false, Layout::kNCHW},
    {OpKind::kFusedReduceConv, "bias", false, Layout::kNCHW},
};

}  // namespace

WeightFormats WeightFormatsFor(const Graph& graph, Precision precision) {
  WeightFormats formats;
  if (!IsReduced(precision)) return formats;
  const ElementType t = StorageType(precision);
  for (const Node& node : graph.nodes)
    for (const RoleFormat& rf : kRoleFormats) {
      if (rf.op != node.op) continue;
      auto it = node.params.find(rf.role);
      if (it == node.params.end()) continue;
      const WeightFormat want{t, rf.store_reduced ? t : ElementType::kF32, rf.layout};
      auto [at, fresh] = formats.emplace(it->second, want);
      if (!fresh && at->second != want)
        throw Error("cuda backend: tensor \"" + it->second + "\" is needed as " +
                    WeightFormatName(at->second) + " and, by node \"" + node.name + "\", as " +
                    WeightFormatName(want));
    }
  return formats;
}

std::vector<uint8_t> StoreWeight(const Tensor& tensor, const WeightFormat& format) {
  if (format.stored != ElementType::kF32) {
    if (format.stored != format.rounded_to)
      throw Error("weight format: stored type must be fp32 or the rounded type");
    return PackWeights(tensor, format.stored, format.layout);
  }
  std::vector<uint8_t> bytes(tensor.data.size() * sizeof(float));
  if (format.rounded_to == ElementType::kF32) {
    std::memcpy(bytes.data(), tensor.data.data(), bytes.size());
    return bytes;
  }
  float (*round)(float) = format.rounded_to == ElementType::kF16 ? RoundToHalf : RoundToBFloat16;
  for (size_t i = 0; i < tensor.data.size(); ++i) {
    const float v = round(tensor.data[i]);
    std::memcpy(bytes.data() + i * sizeof(float), &v, sizeof(float));
  }
  return bytes;
}

std::string WeightFormatName(const WeightFormat& format) {
  if (format.stored == ElementType::kF32)
    return format.rounded_to == ElementType::kF32
               ? "fp32"
               : std::string("fp32 (rounded to ") + ElementTypeName(format.rounded_to) + ")";
  return std::string(ElementTypeName(format.stored)) +
         (format.layout == Layout::kNHWC ? " OHWI" : "");
}

}  // namespace cuda
}  // namespace incept

// Element types, layouts and precisions: names and sizes from one table each.
#include "graph/element_type.h"

#include <iterator>

#include "graph/error.h"

namespace incept {
namespace {

struct ElementTypeInfo {
  ElementType type;
  const char* name;
  int64_t size;
};
constexpr ElementTypeInfo kElementTypes[] = {{ElementType::kF32, "fp32", 4},
                                             {ElementType::kF16, "fp16", 2},
                                             {ElementType::kBF16, "bf16", 2}};

struct LayoutInfo {
  Layout layout;
  const char* name;
};
constexpr LayoutInfo kLayouts[] = {{Layout::kNCHW, "NCHW"}, {Layout::kNHWC, "NHWC"}};

struct PrecisionInfo {
  Precision precision;
  const char* name;
  ElementType storage;
};
constexpr PrecisionInfo kPrecisions[] = {{Precision::kFp32, "fp32", ElementType::kF32},
                                         {Precision::kTf32, "tf32", ElementType::kF32},
                                         {Precision::kFp16, "fp16", ElementType::kF16},
                                         {Precision::kBf16, "bf16", ElementType::kBF16}};

const ElementTypeInfo& Info(ElementType type) {
  for (const ElementTypeInfo& info : kElementTypes)
    if (info.type == type) return info;
  throw Error("unknown element type " + std::to_string(static_cast<int>(type)));
}

const PrecisionInfo& Info(Precision precision) {
  for (const PrecisionInfo& info : kPrecisions)
    if (info.precision == precision) return info;
  throw Error("unknown precision " + std::to_string(static_cast<int>(precision)));
}

}  // namespace

int64_t ElementSize(ElementType type) { return Info(type).size; }
const char* ElementTypeName(ElementType type) { return Info(type).name; }

const char* LayoutName(Layout layout) {
  for (const LayoutInfo& info : kLayouts)
    if (info.layout == layout) return info.name;
  return "?";
}

const char* PrecisionName(Precision precision) { return Info(precision).name; }
ElementType StorageType(Precision precision) { return Info(precision).storage; }
bool IsReduced(Precision precision) { return StorageType(precision) != ElementType::kF32; }

std::string PrecisionNames() {
  std::string names;
  for (const PrecisionInfo& info : kPrecisions) {
    if (!names.empty()) names += ", ";
    names += info.name;
  }
  return names;
}

Precision ParsePrecision(const std::string& name) {
  for (const PrecisionInfo& info : kPrecisions)
    if (name == info.name) return info.precision;
  throw Error("unknown precision \"" + name + "\": valid precisions are " + PrecisionNames());
}

}  // namespace incept

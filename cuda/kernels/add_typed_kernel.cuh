// Element-wise add in any element type and layout (Inception-ResNet's residual add under
// fp16/bf16 plans), one thread per element in the output's element order:
//
//   out[n, c, y, x] = round_T(float(a[n, c, y, x]) + float(b[n, c, y, x]))
//
// a, b and out have one shape, one type and one layout, each with its own strides (any may
// be a channel slice: element_access.cuh's offsets). The sum is fp32, rounded once to T
// (round to nearest even). out may be a or b.
#pragma once

#include <string>

#include "cuda/kernels/any_tensor_ref.h"
#include "cuda/kernels/element_access.cuh"
#include "cuda/kernels/kernel_defs.cuh"
#include "cuda/kernels/launch_checks.h"

namespace incept {
namespace simt {
inline namespace INCEPT_SIMT_ABI {

template <typename T>
struct AddTypedParams {
  const T* a;
  const T* b;
  T* out;
  int n, c, h, w;
  Strides a_strides, b_strides, out_strides;
};

template <Layout kLayout, typename T>
__global__ void __launch_bounds__(kThreadsPerBlock) AddTypedKernel(AddTypedParams<T> p) {
  const int64_t index = GlobalThreadIndex();
  if (index >= static_cast<int64_t>(p.n) * p.c * p.h * p.w) return;
  const ElementPosition at = PositionOf(index, kLayout == Layout::kNHWC, p.c, p.h, p.w);
  const int x = at.x, y = at.y, ch = at.ch, img = at.img;
  // Plain loads: out may be a or b (each thread reads only the elements it writes).
  const float sum = ToFloat(p.a[ElementOffset<kLayout>(p.a_strides, p.h, p.w, img, ch, y, x)]) +
                    ToFloat(p.b[ElementOffset<kLayout>(p.b_strides, p.h, p.w, img, ch, y, x)]);
  p.out[ElementOffset<kLayout>(p.out_strides, p.h, p.w, img, ch, y, x)] = FromFloat<T>(sum);
}

template <typename T>
inline void LaunchAddTypedAs(const AnyTensorRef& a, const AnyTensorRef& b, const AnyTensorRef& out,
                             Stream stream) {
  AddTypedParams<T> p{};
  p.a = static_cast<const T*>(a.data);
  p.b = static_cast<const T*>(b.data);
  p.out = static_cast<T*>(out.data);
  p.n = static_cast<int>(a.shape.n);
  p.c = static_cast<int>(a.shape.c);
  p.h = static_cast<int>(a.shape.h);
  p.w = static_cast<int>(a.shape.w);
  p.a_strides = {a.batch_stride, a.pixel_stride};
  p.b_strides = {b.batch_stride, b.pixel_stride};
  p.out_strides = {out.batch_stride, out.pixel_stride};
  auto kernel = a.layout == Layout::kNHWC ? AddTypedKernel<Layout::kNHWC, T>
                                          : AddTypedKernel<Layout::kNCHW, T>;
  Launch("AddTyped", kernel, GridFor(a.shape.elements(), "Add"), dim3(kThreadsPerBlock), 0, stream,
         p);
}

// Checks the arguments (incept::Error naming Add on a mismatch) and launches on `stream`.
inline void LaunchAddTyped(const AnyTensorRef& a, const AnyTensorRef& b, const AnyTensorRef& out,
                           Stream stream) {
  const char* op = "Add";
  RequireTensor(op, "first input", a);
  RequireTensor(op, "second input", b);
  RequireTensor(op, "output", out);
  RequireShape(op, "second input", b.shape, a.shape);
  RequireShape(op, "output", out.shape, a.shape);
  for (const AnyTensorRef* t : {&b, &out})
    if (t->type != a.type || t->layout != a.layout)
      Fail(op, std::string("operands differ in format: ") + ElementTypeName(a.type) + " " +
                   LayoutName(a.layout) + " vs " + ElementTypeName(t->type) + " " +
                   LayoutName(t->layout));
  switch (a.type) {
    case ElementType::kF32:
      return LaunchAddTypedAs<float>(a, b, out, stream);
    case ElementType::kF16:
      return LaunchAddTypedAs<Half>(a, b, out, stream);
    case ElementType::kBF16:
      return LaunchAddTypedAs<BFloat16>(a, b, out, stream);
  }
}

}  // namespace INCEPT_SIMT_ABI
}  // namespace simt
}  // namespace incept

// Typed views of a plan's values (typed_views.h).
#include "cuda/plan/typed_views.h"

#include <string>

#include "graph/error.h"

namespace incept {
namespace cuda {

simt::AnyTensorRef TypedValueRef(const Graph& graph, const Plan& plan, int node, void* arena) {
  if (plan.values.size() != graph.nodes.size() || node < 0 ||
      node >= static_cast<int>(graph.nodes.size()))
    throw Error("typed view: the plan has no memory plan for node " + std::to_string(node));
  const ValuePlacement& v = plan.values[node];
  const Shape& shape = graph.nodes[node].shape;
  const Shape& root = graph.nodes[v.root].shape;
  const bool strided_in_root = v.kind == ValueKind::kSlice || v.kind == ValueKind::kChannelView;
  simt::AnyTensorRef t;
  t.data = static_cast<char*>(arena) + v.offset;
  t.shape = shape;
  t.type = v.format.type;
  t.layout = v.format.layout;
  t.batch_stride = strided_in_root ? root.per_image() : shape.per_image();
  t.pixel_stride = strided_in_root ? root.c : shape.c;
  return t;
}

simt::AnyTensorRef ChannelRange(const simt::AnyTensorRef& whole, int64_t offset,
                                const Shape& shape) {
  if (offset < 0 || offset + shape.c > whole.shape.c || shape.n != whole.shape.n ||
      shape.h != whole.shape.h || shape.w != whole.shape.w)
    throw Error("channel range [" + std::to_string(offset) + ", " +
                std::to_string(offset + shape.c) + ") of " + shape.str() + " does not fit in " +
                whole.shape.str());
  const int64_t elements = whole.layout == Layout::kNHWC ? offset : offset * whole.shape.plane();
  simt::AnyTensorRef t = whole;
  t.data = static_cast<char*>(whole.data) + elements * ElementSize(whole.type);
  t.shape = shape;
  return t;
}

}  // namespace cuda
}  // namespace incept

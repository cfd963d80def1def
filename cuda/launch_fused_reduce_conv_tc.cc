#include "cuda/launch_fused_reduce_conv_tc.h"

#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "cuda/check.h"
#include "cuda/fused_reduce_conv_tc.cuh"
#include "graph/error.h"

namespace incept {
namespace cuda {
namespace {

// W1 then W2, packed, in one device allocation (each 256-byte aligned: the kernel needs 32).
struct PackedDeviceWeights {
  DeviceArena memory;
  const void* reduce_weight = nullptr;
  const void* weight = nullptr;
};

size_t AlignUp256(size_t bytes) { return (bytes + 255) / 256 * 256; }

std::shared_ptr<const PackedDeviceWeights> Pack(const DeviceWeights& weights, const Node& node,
                                                simt::TcElement element,
                                                const FusedReduceConvAttrs& attrs) {
  const std::vector<float> w1 = weights.Download(node.params.at("reduce_weight"));
  const std::vector<float> w2 = weights.Download(node.params.at("weight"));
  const simt::PackedFusedReduceConvTcWeights packed =
      simt::PackFusedReduceConvTcWeights(element, attrs, w1.data(), w2.data());
  const size_t b1 = packed.reduce_weight.size() * sizeof(uint16_t);
  const size_t b2 = packed.weight.size() * sizeof(uint16_t);
  auto out = std::make_shared<PackedDeviceWeights>();
  out->memory = DeviceArena(AlignUp256(b1) + b2);
  void* d1 = out->memory.At(0, b1);
  void* d2 = out->memory.At(AlignUp256(b1), b2);
  CUDA_CHECK(cudaMemcpy(d1, packed.reduce_weight.data(), b1, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d2, packed.weight.data(), b2, cudaMemcpyHostToDevice));
  out->reduce_weight = d1;
  out->weight = d2;
  return out;
}

// Packed copies shared by every context bound to the same weights content on one device:
// key (device, weights fingerprint, W1 name, W2 name, element). Entries live while a
// context holds them.
std::shared_ptr<const PackedDeviceWeights> SharedPack(const DeviceWeights& weights,
                                                      const Node& node, simt::TcElement element,
                                                      const FusedReduceConvAttrs& attrs) {
  using Key = std::tuple<int, uint64_t, std::string, std::string, int>;
  static std::mutex mutex;
  static std::map<Key, std::weak_ptr<const PackedDeviceWeights>> cache;
  const Key key{weights.device(), weights.fingerprint(), node.params.at("reduce_weight"),
                node.params.at("weight"), static_cast<int>(element)};
  std::lock_guard<std::mutex> lock(mutex);
  if (std::shared_ptr<const PackedDeviceWeights> hit = cache[key].lock()) return hit;
  for (auto it = cache.begin(); it != cache.end();)  // forget copies no context holds
    it = it->second.expired() ? cache.erase(it) : std::next(it);
  std::shared_ptr<const PackedDeviceWeights> packed = Pack(weights, node, element, attrs);
  cache[key] = packed;
  return packed;
}

}  // namespace

BoundNode BindFusedReduceConvTc(const NodeBinding& b) {
  const Node& node = *b.node;
  const std::string at = "node \"" + node.name + "\" (FusedReduceConv): ";
  if (!b.typed || b.typed_inputs.size() != 1)
    throw Error(at + "the tensor-core kernel is bound from an fp16/bf16 plan's typed views");
  const simt::AnyTensorRef& in = b.typed_inputs[0];
  const simt::AnyTensorRef& out = b.typed_output;
  if (out.layout != Layout::kNHWC || out.type == ElementType::kF32 || in.layout != out.layout ||
      in.type != out.type)
    throw Error(at + "the tensor-core kernel takes fp16 or bf16 NHWC in and out, not " +
                ElementTypeName(in.type) + " " + LayoutName(in.layout) + " -> " +
                ElementTypeName(out.type) + " " + LayoutName(out.layout));
  const FusedReduceConvAttrs attrs = node.attr<FusedReduceConvAttrs>();
  std::string why;
  if (!SupportsFusedReduceConvTc(attrs, &why)) throw Error(at + why);
  const simt::TcElement element =
      out.type == ElementType::kF16 ? simt::TcElement::kHalf : simt::TcElement::kBFloat16;
  // The weights are stored as fp32 rounded once to T (cuda/plan/weight_formats.h), so the
  // packing below rounds nothing again and the biases are the fp32 the kernel adds.
  std::shared_ptr<const PackedDeviceWeights> packed = SharedPack(*b.weights, node, element, attrs);

  // An NHWC view (a concat slice included) points at its first channel; its batch stride
  // is H*W times its pixel stride (the root's C), which is what the kernel assumes.
  simt::FusedReduceConvTcArgs args;
  args.element = element;
  args.in_shape = in.shape;
  args.in = in.data;
  args.in_pixel_stride = in.pixel_stride;
  args.reduce_weight = packed->reduce_weight;
  args.reduce_bias = b.weights->At(node.params.at("reduce_bias"));
  args.weight = packed->weight;
  args.bias = attrs.conv.has_bias ? b.weights->At(node.params.at("bias")) : nullptr;
  args.attrs = attrs;
  args.out_shape = out.shape;
  args.out = out.data;
  args.out_pixel_stride = out.pixel_stride;
  args.out_channel_offset = 0;
  args.cout_per_block = b.fused_cout_per_block;
  args.tile_h = b.fused_tile_h;
  if (in.batch_stride != in.shape.plane() * in.pixel_stride ||
      out.batch_stride != out.shape.plane() * out.pixel_stride)
    throw Error(at + "the tensor-core kernel needs images of H*W pixels back to back");
  const std::string note = std::string("tensor-core fused reduce conv, ") +
                           ElementTypeName(out.type) + " NHWC, tile_h " +
                           std::to_string(args.tile_h) + ", cout_per_block " +
                           std::to_string(args.cout_per_block);
  return {[packed, args](const StreamResources& s) { FusedReduceConvTcForward(args, s.stream); }, 0,
          note};
}

}  // namespace cuda
}  // namespace incept

// ChannelSlice: y = x[:, o:o+c], channels [channel_offset, channel_offset + channels) of the
// input. The planner makes it a view of its input's bytes (ValueKind::kChannelView), so it
// is never launched; horizontal merging (MergeHorizontal1x1) produces it.
#include <nlohmann/json.hpp>

#include "graph/ops/ops.h"

namespace incept {
namespace {

Shape Infer(const Node& node, const std::vector<Shape>& in) {
  const auto& a = node.attr<ChannelSliceAttrs>();
  if (a.channel_offset < 0 || a.channels < 1 || a.channel_offset + int64_t{a.channels} > in[0].c)
    throw Error("channels [" + ops::Num(a.channel_offset) + ", " +
                ops::Num(int64_t{a.channel_offset} + a.channels) + ") are not inside the " +
                ops::Num(in[0].c) + " channels of input \"" + node.inputs[0] + "\" " + in[0].str());
  return {in[0].n, a.channels, in[0].h, in[0].w};
}

OpAttrs Parse(AttrReader& r) {
  ChannelSliceAttrs a;
  a.channel_offset = r.Int("channel_offset");
  a.channels = r.Int("channels");
  return a;
}

void Write(const OpAttrs& attrs, nlohmann::json& out) {
  const auto& a = std::get<ChannelSliceAttrs>(attrs);
  out["channel_offset"] = a.channel_offset;
  out["channels"] = a.channels;
}

}  // namespace

OpInfo ChannelSliceOp() {
  return {OpKind::kChannelSlice, "ChannelSlice", 1,     1,    Infer,
          ops::NoParams,         ops::NoMacs,    Parse, Write};
}

}  // namespace incept

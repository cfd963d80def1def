// AnalyzeViews: the views of a graph, validated (views.h).
#include "graph/planner/views.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "graph/error.h"

namespace incept {
namespace {

std::vector<int> SortedUnique(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

GraphViews AnalyzeViews(const Graph& graph) {
  const int n = static_cast<int>(graph.nodes.size());
  std::unordered_map<std::string, int> index;
  for (int i = 0; i < n; ++i) {
    if (!index.emplace(graph.nodes[i].name, i).second) {
      throw Error("plan: duplicate node name " + Quoted(graph.nodes[i].name));
    }
  }
  std::vector<std::vector<int>> inputs(n);
  std::vector<std::vector<int>> consumers(n);
  for (int i = 0; i < n; ++i) {
    const Node& node = graph.nodes[i];
    if (node.shape.elements() <= 0) {
      throw Error("plan: node " + Quoted(node.name) + " has no shape (run InferShapes first)");
    }
    for (const std::string& in : node.inputs) {
      auto it = index.find(in);
      if (it == index.end() || it->second >= i) {
        throw Error("plan: node " + Quoted(node.name) + " reads " + Quoted(in) +
                    ", which is not produced before it");
      }
      inputs[i].push_back(it->second);
      consumers[it->second].push_back(i);
    }
  }

  GraphViews views;
  views.inputs = inputs;
  views.kind.assign(n, ValueKind::kBuffer);
  views.base.assign(n, -1);
  views.slice_channel_offset.assign(n, 0);
  views.launched.assign(n, false);
  views.writers.assign(n, {});
  views.readers.assign(n, {});
  views.is_output.assign(n, false);

  auto is_elided_concat = [&](int i) {
    return graph.nodes[i].op == OpKind::kConcat && graph.nodes[i].elided;
  };
  // Buffers and aliases of them hold whole images back to back; slices and channel views
  // stride over their root's images.
  auto is_contiguous = [&](int i) {
    return views.kind[i] == ValueKind::kBuffer || views.kind[i] == ValueKind::kAlias;
  };
  for (int i = 0; i < n; ++i) {
    const Node& node = graph.nodes[i];
    if (node.output_slice) {
      const std::string& concat = node.output_slice->concat;
      auto it = index.find(concat);
      const std::string where =
          "plan: node " + Quoted(node.name) + " writes a slice of " + Quoted(concat);
      if (it == index.end() || graph.nodes[it->second].op != OpKind::kConcat) {
        throw Error(where + ", which is not a Concat");
      }
      const int c = it->second;
      const Shape& cs = graph.nodes[c].shape;
      const int64_t off = node.output_slice->channel_offset;
      if (std::find(inputs[c].begin(), inputs[c].end(), i) == inputs[c].end()) {
        throw Error(where + ", which does not read it");
      }
      if (off < 0 || off + node.shape.c > cs.c || node.shape.n != cs.n || node.shape.h != cs.h ||
          node.shape.w != cs.w) {
        throw Error(where + ": channels [" + std::to_string(off) + ", " +
                    std::to_string(off + node.shape.c) + ") of " + node.shape.str() +
                    " do not fit in " + cs.str());
      }
      views.kind[i] = ValueKind::kSlice;
      views.base[i] = c;
      views.slice_channel_offset[i] = off;
    } else if ((node.op == OpKind::kDropout || node.op == OpKind::kFlatten) &&
               inputs[i].size() == 1 && is_contiguous(inputs[i][0]) &&
               graph.nodes[inputs[i][0]].shape.elements() == node.shape.elements()) {
      views.kind[i] = ValueKind::kAlias;
      views.base[i] = inputs[i][0];
    } else if (node.op == OpKind::kChannelSlice && inputs[i].size() == 1) {
      const Shape& in = graph.nodes[inputs[i][0]].shape;
      const auto& a = node.attr<ChannelSliceAttrs>();
      if (a.channel_offset < 0 || a.channel_offset + node.shape.c > in.c || node.shape.n != in.n ||
          node.shape.h != in.h || node.shape.w != in.w) {
        throw Error("plan: channel slice " + Quoted(node.name) + ": channels [" +
                    std::to_string(a.channel_offset) + ", " +
                    std::to_string(a.channel_offset + node.shape.c) + ") of " + node.shape.str() +
                    " do not fit in " + in.str());
      }
      views.kind[i] = ValueKind::kChannelView;
      views.base[i] = inputs[i][0];
      views.slice_channel_offset[i] = a.channel_offset;
    }
    if (is_elided_concat(i)) {
      for (int in : inputs[i]) {
        const Node& producer = graph.nodes[in];
        if (!producer.output_slice || producer.output_slice->concat != node.name) {
          throw Error("plan: elided Concat " + Quoted(node.name) + " reads " +
                      Quoted(producer.name) + ", which does not write a slice of it");
        }
      }
    }
    views.launched[i] = node.op != OpKind::kInput && !is_elided_concat(i) &&
                        views.kind[i] != ValueKind::kAlias &&
                        views.kind[i] != ValueKind::kChannelView;
  }

  // Writers in topological order; readers in reverse.
  for (int i = 0; i < n; ++i) {
    if (views.launched[i]) {
      views.writers[i] = {i};
    } else if (views.kind[i] == ValueKind::kAlias || views.kind[i] == ValueKind::kChannelView) {
      views.writers[i] = views.writers[views.base[i]];
    } else if (is_elided_concat(i)) {
      std::vector<int> all;
      for (int in : inputs[i]) {
        all.insert(all.end(), views.writers[in].begin(), views.writers[in].end());
      }
      views.writers[i] = SortedUnique(all);
    }
  }
  for (int i = n - 1; i >= 0; --i) {
    std::vector<int> all;
    for (int c : consumers[i]) {
      if (views.launched[c]) {
        all.push_back(c);
      } else {  // a view of i: an alias or channel view of i, or the elided Concat that i is
                // a slice of
        all.insert(all.end(), views.readers[c].begin(), views.readers[c].end());
      }
    }
    views.readers[i] = SortedUnique(all);
  }
  auto mark_outputs = [&](const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      auto it = index.find(name);
      if (it == index.end()) throw Error("plan: unknown graph output " + Quoted(name));
      views.is_output[it->second] = true;
    }
  };
  mark_outputs(graph.outputs);
  mark_outputs(graph.aux_outputs);
  return views;
}

}  // namespace incept

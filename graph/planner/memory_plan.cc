// Memory planning: buffers and their accesses, the "precedes" relation, greedy-by-size
// best-fit placement, the antichain lower bound, and the overlap checker (memory_plan.h).
#include "graph/planner/memory_plan.h"

#include <algorithm>
#include <limits>
#include <queue>
#include <string>

#include "graph/error.h"
#include "graph/planner/step_order.h"
#include "graph/planner/views.h"

namespace incept {
namespace {

struct Buffer {
  int node = -1;  // the root value, or the node owning the workspace
  bool workspace = false;
  int64_t bytes = 0;
  std::vector<int> writers;   // node indices or kPlanStart
  std::vector<int> accesses;  // writers and readers (node indices, kPlanStart, kPlanEnd)
};

std::string BufferName(const Graph& graph, const Buffer& b) {
  return (b.workspace ? "workspace of \"" : "\"") + graph.nodes[b.node].name + "\"";
}

int RootOf(const GraphViews& views, int v) {
  while (views.kind[v] != ValueKind::kBuffer) v = views.base[v];
  return v;
}

void SortUnique(std::vector<int>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Roots (in node order) then workspaces (in node order).
std::vector<Buffer> CollectBuffers(const Graph& graph, const GraphViews& views,
                                   const std::vector<int64_t>& value_bytes,
                                   const std::vector<int64_t>& workspace_bytes) {
  const int n = static_cast<int>(graph.nodes.size());
  std::vector<int> buffer_of(n, -1);
  std::vector<Buffer> buffers;
  for (int v = 0; v < n; ++v) {
    if (views.kind[v] != ValueKind::kBuffer) continue;
    buffer_of[v] = static_cast<int>(buffers.size());
    Buffer b;
    b.node = v;
    b.bytes = value_bytes[v];
    buffers.push_back(b);
  }
  std::vector<std::vector<int>> readers(buffers.size());
  for (int v = 0; v < n; ++v) {
    Buffer& b = buffers[buffer_of[RootOf(views, v)]];
    std::vector<int>& r = readers[buffer_of[RootOf(views, v)]];
    b.writers.insert(b.writers.end(), views.writers[v].begin(), views.writers[v].end());
    if (graph.nodes[v].op == OpKind::kInput) b.writers.push_back(kPlanStart);
    r.insert(r.end(), views.readers[v].begin(), views.readers[v].end());
    if (views.is_output[v]) r.push_back(kPlanEnd);
  }
  for (size_t i = 0; i < buffers.size(); ++i) {
    Buffer& b = buffers[i];
    SortUnique(b.writers);
    if (b.writers.empty()) {
      throw Error("memory plan: nothing writes value \"" + graph.nodes[b.node].name + "\"");
    }
    b.accesses = b.writers;
    b.accesses.insert(b.accesses.end(), readers[i].begin(), readers[i].end());
    SortUnique(b.accesses);
  }
  for (int v = 0; v < n; ++v) {
    if (workspace_bytes.empty() || workspace_bytes[v] == 0) continue;
    Buffer b;
    b.node = v;
    b.workspace = true;
    b.bytes = workspace_bytes[v];
    b.writers = {v};
    b.accesses = {v};
    buffers.push_back(b);
  }
  return buffers;
}

// X precedes Y: every access of X happens before every writer of Y.
bool Precedes(const StepOrder& order, const Buffer& x, const Buffer& y) {
  for (int a : x.accesses) {
    for (int w : y.writers) {
      if (!order.HappensBefore(a, w)) return false;
    }
  }
  return true;
}

// conflict[i * B + j]: neither buffer precedes the other.
std::vector<bool> ConflictMatrix(const StepOrder& order, const std::vector<Buffer>& buffers,
                                 std::vector<bool>* precedes) {
  const size_t count = buffers.size();
  std::vector<bool> before(count * count, false);
  for (size_t i = 0; i < count; ++i) {
    for (size_t j = 0; j < count; ++j) {
      if (i != j) before[i * count + j] = Precedes(order, buffers[i], buffers[j]);
    }
  }
  std::vector<bool> conflict(count * count, false);
  for (size_t i = 0; i < count; ++i) {
    for (size_t j = 0; j < count; ++j) {
      conflict[i * count + j] = i != j && !before[i * count + j] && !before[j * count + i];
    }
  }
  if (precedes) *precedes = std::move(before);
  return conflict;
}

int64_t AlignUp(int64_t x, int64_t alignment) {
  return (x + alignment - 1) / alignment * alignment;
}

// Greedy by size, best fit among conflicting placed buffers.
std::vector<int64_t> PlaceBuffers(const std::vector<Buffer>& buffers,
                                  const std::vector<bool>& conflict,
                                  const std::vector<int>& first_write, int64_t alignment) {
  const size_t count = buffers.size();
  std::vector<int> by_size(count);
  for (size_t i = 0; i < count; ++i) by_size[i] = static_cast<int>(i);
  std::stable_sort(by_size.begin(), by_size.end(), [&](int a, int b) {
    if (buffers[a].bytes != buffers[b].bytes) return buffers[a].bytes > buffers[b].bytes;
    return first_write[a] < first_write[b];
  });
  std::vector<int64_t> offset(count, -1);
  std::vector<int> placed;  // sorted by offset
  for (int id : by_size) {
    const int64_t size = buffers[id].bytes;
    int64_t best = -1;
    int64_t best_gap = std::numeric_limits<int64_t>::max();
    int64_t current = 0;
    for (int other : placed) {
      if (!conflict[id * count + other]) continue;
      const int64_t candidate = AlignUp(current, alignment);
      const int64_t gap = offset[other] - candidate;
      if (gap >= size && gap < best_gap) {
        best = candidate;
        best_gap = gap;
      }
      current = std::max(current, offset[other] + buffers[other].bytes);
    }
    if (best == -1) best = AlignUp(current, alignment);
    offset[id] = best;
    auto pos = std::upper_bound(placed.begin(), placed.end(), id,
                                [&](int a, int b) { return offset[a] < offset[b]; });
    placed.insert(pos, id);
  }
  return offset;
}

// Max flow (Dinic) for the antichain bound.
class MaxFlow {
 public:
  explicit MaxFlow(int nodes) : head_(nodes, -1), level_(nodes), next_edge_(nodes) {}
  void AddEdge(int from, int to, int64_t capacity) {
    edges_.push_back({to, head_[from], capacity});
    head_[from] = static_cast<int>(edges_.size()) - 1;
    edges_.push_back({from, head_[to], 0});
    head_[to] = static_cast<int>(edges_.size()) - 1;
  }
  int64_t Run(int source, int sink) {
    int64_t total = 0;
    while (Levels(source, sink)) {
      next_edge_ = head_;
      while (int64_t pushed = Push(source, sink, std::numeric_limits<int64_t>::max())) {
        total += pushed;
      }
    }
    return total;
  }

 private:
  struct Edge {
    int to, next;
    int64_t capacity;
  };
  bool Levels(int source, int sink) {
    std::fill(level_.begin(), level_.end(), -1);
    std::queue<int> queue;
    level_[source] = 0;
    queue.push(source);
    while (!queue.empty()) {
      const int u = queue.front();
      queue.pop();
      for (int e = head_[u]; e != -1; e = edges_[e].next) {
        if (edges_[e].capacity > 0 && level_[edges_[e].to] < 0) {
          level_[edges_[e].to] = level_[u] + 1;
          queue.push(edges_[e].to);
        }
      }
    }
    return level_[sink] >= 0;
  }
  int64_t Push(int u, int sink, int64_t limit) {
    if (u == sink) return limit;
    for (int& e = next_edge_[u]; e != -1; e = edges_[e].next) {
      Edge& edge = edges_[e];
      if (edge.capacity <= 0 || level_[edge.to] != level_[u] + 1) continue;
      if (int64_t pushed = Push(edge.to, sink, std::min(limit, edge.capacity))) {
        edge.capacity -= pushed;
        edges_[e ^ 1].capacity += pushed;
        return pushed;
      }
    }
    return 0;
  }
  std::vector<Edge> edges_;
  std::vector<int> head_, level_, next_edge_;
};

// The heaviest set of pairwise conflicting buffers: total - maxflow in the split graph
// (source -> left_i with capacity size_i, right_i -> sink with size_i, left_i -> right_j
// unbounded where i precedes j).
int64_t AntichainBound(const std::vector<Buffer>& buffers, const std::vector<bool>& precedes) {
  const int count = static_cast<int>(buffers.size());
  const int source = 2 * count, sink = 2 * count + 1;
  MaxFlow flow(2 * count + 2);
  int64_t total = 0;
  for (int i = 0; i < count; ++i) {
    total += buffers[i].bytes;
    flow.AddEdge(source, i, buffers[i].bytes);
    flow.AddEdge(count + i, sink, buffers[i].bytes);
    for (int j = 0; j < count; ++j) {
      if (precedes[static_cast<size_t>(i) * count + j]) {
        flow.AddEdge(i, count + j, std::numeric_limits<int64_t>::max() / 4);
      }
    }
  }
  return total - flow.Run(source, sink);
}

// Per value: its element size and layout (uniform plans: one size, NCHW).
struct ElementFormats {
  std::vector<int64_t> size;
  std::vector<Layout> layout;
};

ElementFormats UniformFormats(const Graph& graph, int64_t bytes_per_element) {
  return {std::vector<int64_t>(graph.nodes.size(), bytes_per_element),
          std::vector<Layout>(graph.nodes.size(), Layout::kNCHW)};
}

ElementFormats FormatsOfPlan(const Graph& graph, const Plan& plan) {
  ElementFormats f;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    f.size.push_back(ValueElementSize(plan, static_cast<int>(i)));
    f.layout.push_back(plan.values[i].format.layout);
  }
  return f;
}

std::vector<int64_t> ValueBytes(const Graph& graph, const ElementFormats& formats) {
  std::vector<int64_t> bytes;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    bytes.push_back(graph.nodes[i].shape.elements() * formats.size[i]);
  return bytes;
}

// Offset of value v from its root's offset: along the chain of views, each slice or channel
// view starts `off` channels into its base: off * H * W elements in NCHW, off elements (inside
// each pixel) in NHWC.
int64_t OffsetInRoot(const Graph& graph, const GraphViews& views, int v,
                     const ElementFormats& formats) {
  int64_t offset = 0;
  while (views.kind[v] != ValueKind::kBuffer) {
    if (views.kind[v] == ValueKind::kSlice || views.kind[v] == ValueKind::kChannelView) {
      const int64_t channels = views.slice_channel_offset[v];
      const int64_t elements = formats.layout[v] == Layout::kNHWC
                                   ? channels
                                   : channels * graph.nodes[views.base[v]].shape.plane();
      offset += elements * formats.size[v];
    }
    v = views.base[v];
  }
  return offset;
}

void CheckLaunches(const Graph& graph, const GraphViews& views, const StepOrder& order) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (views.launched[i] != order.IsLaunched(static_cast<int>(i))) {
      throw Error("memory plan: node \"" + graph.nodes[i].name + "\" is " +
                  (views.launched[i] ? "not launched by the plan" : "launched but is a view"));
    }
  }
}

std::string Range(int64_t offset, int64_t bytes) {
  return "[" + std::to_string(offset) + ", " + std::to_string(offset + bytes) + ")";
}

}  // namespace

namespace {

// `formats` empty: a uniform plan of `bytes_per_element` (fp32 NCHW placements); else one
// format per value, bytes_per_element 0.
void PlanMemoryImpl(const Graph& graph, Plan& plan, int64_t bytes_per_element,
                    const std::vector<ValueFormat>& formats, int64_t alignment,
                    const std::vector<int64_t>& workspace_bytes) {
  const int n = static_cast<int>(graph.nodes.size());
  const GraphViews views = AnalyzeViews(graph);
  ElementFormats element = UniformFormats(graph, bytes_per_element);
  if (!formats.empty()) {
    if (static_cast<int>(formats.size()) != n) {
      throw Error("PlanMemory: " + std::to_string(formats.size()) + " value formats for " +
                  std::to_string(n) + " nodes");
    }
    for (int v = 0; v < n; ++v) {
      const int root = RootOf(views, v);
      if (formats[v] != formats[root]) {
        throw Error("PlanMemory: value \"" + graph.nodes[v].name + "\" is " +
                    ValueFormatName(formats[v]) + " but it is a view of \"" +
                    graph.nodes[root].name + "\", which is " + ValueFormatName(formats[root]));
      }
      element.size[v] = ElementSize(formats[v].type);
      element.layout[v] = formats[v].layout;
    }
  }
  const StepOrder order(graph, plan);
  CheckLaunches(graph, views, order);
  if (!workspace_bytes.empty()) {
    if (static_cast<int>(workspace_bytes.size()) != n) {
      throw Error("PlanMemory: " + std::to_string(workspace_bytes.size()) +
                  " workspace sizes for " + std::to_string(n) + " nodes");
    }
    for (int i = 0; i < n; ++i) {
      if (workspace_bytes[i] < 0 || (workspace_bytes[i] > 0 && !views.launched[i])) {
        throw Error("PlanMemory: node \"" + graph.nodes[i].name + "\" asks for workspace " +
                    std::to_string(workspace_bytes[i]) + " B but " +
                    (workspace_bytes[i] < 0 ? "it is negative" : "it is not launched"));
      }
    }
  }
  const std::vector<int64_t> value_bytes = ValueBytes(graph, element);
  const std::vector<Buffer> buffers = CollectBuffers(graph, views, value_bytes, workspace_bytes);
  std::vector<bool> precedes;
  const std::vector<bool> conflict = ConflictMatrix(order, buffers, &precedes);
  std::vector<int> first_write;
  for (const Buffer& b : buffers) first_write.push_back(order.LinearIndex(b.writers.front()));
  for (size_t i = 0; i < buffers.size(); ++i) {
    for (int w : buffers[i].writers) {
      first_write[i] = std::min(first_write[i], order.LinearIndex(w));
    }
  }
  const std::vector<int64_t> offsets = PlaceBuffers(buffers, conflict, first_write, alignment);

  plan.bytes_per_element = formats.empty() ? bytes_per_element : 0;
  plan.alignment = alignment;
  plan.values.assign(n, {});
  plan.workspaces.assign(n, {});
  plan.arena_bytes = 0;
  plan.naive_bytes = 0;
  std::vector<int64_t> root_offset(n, -1);
  for (size_t i = 0; i < buffers.size(); ++i) {
    const Buffer& b = buffers[i];
    plan.arena_bytes = std::max(plan.arena_bytes, offsets[i] + b.bytes);
    plan.naive_bytes += b.bytes;
    if (b.workspace) {
      plan.workspaces[b.node] = {offsets[i], b.bytes};
    } else {
      root_offset[b.node] = offsets[i];
    }
  }
  for (int v = 0; v < n; ++v) {
    const int root = RootOf(views, v);
    plan.values[v].kind = views.kind[v];
    plan.values[v].format = formats.empty() ? ValueFormat{} : formats[v];
    plan.values[v].root = root;
    plan.values[v].offset = root_offset[root] + OffsetInRoot(graph, views, v, element);
    plan.values[v].bytes = value_bytes[v];
  }
  plan.lower_bound_bytes = AntichainBound(buffers, precedes);
}

}  // namespace

void PlanMemory(const Graph& graph, Plan& plan, int64_t bytes_per_element, int64_t alignment,
                const std::vector<int64_t>& workspace_bytes) {
  if (bytes_per_element < 1 || alignment < 1) {
    throw Error("PlanMemory: bytes_per_element " + std::to_string(bytes_per_element) +
                " and alignment " + std::to_string(alignment) + " must be >= 1");
  }
  PlanMemoryImpl(graph, plan, bytes_per_element, {}, alignment, workspace_bytes);
}

void PlanMemory(const Graph& graph, Plan& plan, const std::vector<ValueFormat>& formats,
                int64_t alignment, const std::vector<int64_t>& workspace_bytes) {
  if (alignment < 1) {
    throw Error("PlanMemory: alignment " + std::to_string(alignment) + " must be >= 1");
  }
  if (formats.empty()) throw Error("PlanMemory: no value formats");
  PlanMemoryImpl(graph, plan, 0, formats, alignment, workspace_bytes);
}

void CheckNoOverlap(const Graph& graph, const Plan& plan) {
  const int n = static_cast<int>(graph.nodes.size());
  if (static_cast<int>(plan.values.size()) != n || static_cast<int>(plan.workspaces.size()) != n ||
      plan.bytes_per_element < 0) {
    throw Error("CheckNoOverlap: the plan has no memory plan for this graph's " +
                std::to_string(n) + " nodes");
  }
  const GraphViews views = AnalyzeViews(graph);
  const StepOrder order(graph, plan);
  CheckLaunches(graph, views, order);
  const ElementFormats element = FormatsOfPlan(graph, plan);
  const std::vector<int64_t> value_bytes = ValueBytes(graph, element);
  std::vector<int64_t> workspace_bytes(n);
  for (int i = 0; i < n; ++i) workspace_bytes[i] = plan.workspaces[i].bytes;
  const std::vector<Buffer> buffers = CollectBuffers(graph, views, value_bytes, workspace_bytes);

  // Placements agree with the graph and lie in the arena.
  for (int v = 0; v < n; ++v) {
    const ValuePlacement& p = plan.values[v];
    const std::string what =
        "CheckNoOverlap: value \"" + graph.nodes[v].name + "\" " + Range(p.offset, p.bytes);
    const int root = RootOf(views, v);
    if (p.kind != views.kind[v] || p.root != root || p.bytes != value_bytes[v]) {
      throw Error(what + " is placed as a " + ValueKindName(p.kind) + " of \"" +
                  (p.root >= 0 && p.root < n ? graph.nodes[p.root].name : "?") +
                  "\" but the graph makes it a " + ValueKindName(views.kind[v]) + " of \"" +
                  graph.nodes[root].name + "\"");
    }
    const ValuePlacement& r = plan.values[root];
    if (p.format != r.format) {
      throw Error(what + " is " + ValueFormatName(p.format) + " but its root \"" +
                  graph.nodes[root].name + "\" is " + ValueFormatName(r.format));
    }
    if (p.offset != r.offset + OffsetInRoot(graph, views, v, element)) {
      throw Error(what + " is not at its place in \"" + graph.nodes[root].name + "\" " +
                  Range(r.offset, r.bytes));
    }
    if (p.offset < 0 || p.offset + p.bytes > plan.arena_bytes) {
      throw Error(what + " is outside the arena of " + std::to_string(plan.arena_bytes) + " B");
    }
  }
  for (int i = 0; i < n; ++i) {
    const WorkspacePlacement& w = plan.workspaces[i];
    if (w.bytes > 0 && (w.offset < 0 || w.offset + w.bytes > plan.arena_bytes)) {
      throw Error("CheckNoOverlap: workspace of \"" + graph.nodes[i].name + "\" " +
                  Range(w.offset, w.bytes) + " is outside the arena of " +
                  std::to_string(plan.arena_bytes) + " B");
    }
  }

  auto offset_of = [&](const Buffer& b) {
    return b.workspace ? plan.workspaces[b.node].offset : plan.values[b.node].offset;
  };
  for (size_t i = 0; i < buffers.size(); ++i) {
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      const Buffer& x = buffers[i];
      const Buffer& y = buffers[j];
      const int64_t ox = offset_of(x), oy = offset_of(y);
      const bool overlap = ox < oy + y.bytes && oy < ox + x.bytes;
      if (!overlap || Precedes(order, x, y) || Precedes(order, y, x)) continue;
      throw Error("CheckNoOverlap: " + BufferName(graph, x) + " " + Range(ox, x.bytes) + " and " +
                  BufferName(graph, y) + " " + Range(oy, y.bytes) +
                  " overlap but neither's accesses all happen before the other's writes");
    }
  }
}

}  // namespace incept

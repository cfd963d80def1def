// Planner invariants on random DAGs (5-40 nodes, random sizes, elided concats, aliases,
// workspaces, 1-4 streams, 200 seeds), checked against a happens-before computed here
// independently, by reachability over the step graph:
//   - every launched node happens after the writers of the bytes it reads;
//   - no redundant waits, no more streams than allowed, no events on one stream;
//   - if two written values share bytes, every access of one happens before the other's
//     producer; CheckNoOverlap agrees, and catches a corrupted plan;
//   - lower bound <= arena; with one stream the bound is the max of live bytes over steps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/plan.h"
#include "graph/planner/schedule.h"
#include "graph/planner/step_order.h"

namespace incept {
namespace {

constexpr int kSeeds = 200;

struct RandomCase {
  Graph graph;
  int max_streams = 1;
  int64_t alignment = 1;
};

RandomCase MakeRandomCase(unsigned seed) {
  std::mt19937 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  RandomCase rc;
  rc.max_streams = uniform(1, 4);
  rc.alignment = std::vector<int64_t>{1, 16, 256}[uniform(0, 2)];
  Graph& g = rc.graph;
  const int n = uniform(5, 40);
  auto add = [&](OpKind op, std::vector<std::string> inputs, int64_t channels) {
    Node node;
    node.name = "n" + std::to_string(g.nodes.size());
    node.op = op;
    node.inputs = std::move(inputs);
    node.shape = {1, channels, 2, 2};
    g.nodes.push_back(node);
    return static_cast<int>(g.nodes.size()) - 1;
  };
  add(OpKind::kInput, {}, uniform(1, 64));
  if (uniform(0, 3) == 0) add(OpKind::kInput, {}, uniform(1, 64));
  auto random_previous = [&]() { return uniform(0, static_cast<int>(g.nodes.size()) - 1); };
  while (static_cast<int>(g.nodes.size()) < n) {
    const int kind = uniform(0, 9);
    if (kind <= 1) {  // an elided concat of 2-4 values that write no slice yet
      std::vector<int> candidates;
      for (int i = 0; i < static_cast<int>(g.nodes.size()); ++i) {
        const Node& node = g.nodes[i];
        if (node.op != OpKind::kInput && !node.output_slice) candidates.push_back(i);
      }
      if (candidates.size() < 2) continue;
      std::shuffle(candidates.begin(), candidates.end(), rng);
      candidates.resize(std::min<size_t>(candidates.size(), uniform(2, 4)));
      std::sort(candidates.begin(), candidates.end());
      std::vector<std::string> inputs;
      int64_t channels = 0;
      for (int c : candidates) {
        inputs.push_back(g.nodes[c].name);
        g.nodes[c].output_slice = ConcatSlice{"n" + std::to_string(g.nodes.size()), channels};
        channels += g.nodes[c].shape.c;
      }
      const int concat = add(OpKind::kConcat, inputs, channels);
      g.nodes[concat].elided = true;
    } else if (kind == 2) {  // a launched concat or add of 2-3 values
      std::vector<std::string> inputs;
      int64_t channels = 0;
      for (int k = uniform(2, 3); k > 0; --k) {
        const int in = random_previous();
        inputs.push_back(g.nodes[in].name);
        channels += g.nodes[in].shape.c;
      }
      add(uniform(0, 1) ? OpKind::kConcat : OpKind::kAdd, inputs, std::min<int64_t>(channels, 64));
    } else if (kind == 3) {  // dropout: an alias unless its input is a slice
      const int in = random_previous();
      add(OpKind::kDropout, {g.nodes[in].name}, g.nodes[in].shape.c);
    } else {  // a conv reading one recent value (chains and forks)
      const int size = static_cast<int>(g.nodes.size());
      const int in = uniform(std::max(0, size - 4), size - 1);
      add(OpKind::kConv2d, {g.nodes[in].name}, uniform(1, 64));
    }
  }
  g.outputs = {g.nodes.back().name};
  for (const Node& node : g.nodes) {
    if (uniform(0, 9) == 0 && node.name != g.outputs[0]) g.outputs.push_back(node.name);
  }
  return rc;
}

// Happens-before by reachability over the step graph: vertices are the steps, plus start
// (before stream 0's first step) and end (after stream 0's last step); edges follow each
// stream's order and go from each record to the waits on its event.
class Reachability {
 public:
  Reachability(const Graph& g, const Plan& plan) {
    std::vector<std::vector<int>> id(plan.streams.size());
    int count = 2;  // 0 = start, 1 = end
    for (size_t s = 0; s < plan.streams.size(); ++s) {
      for (size_t i = 0; i < plan.streams[s].size(); ++i) id[s].push_back(count++);
    }
    edges_.assign(count, {});
    vertex_of_node_.assign(g.nodes.size(), -1);
    std::map<int, int> record;
    std::map<int, std::vector<int>> waits;
    for (size_t s = 0; s < plan.streams.size(); ++s) {
      for (size_t i = 0; i < plan.streams[s].size(); ++i) {
        const Step& step = plan.streams[s][i];
        if (i > 0) edges_[id[s][i - 1]].push_back(id[s][i]);
        if (step.kind == StepKind::kLaunch) {
          EXPECT_EQ(vertex_of_node_[step.node], -1) << "launched twice: " << step.node;
          vertex_of_node_[step.node] = id[s][i];
        } else if (step.kind == StepKind::kRecordEvent) {
          record[step.event] = id[s][i];
        } else {
          waits[step.event].push_back(id[s][i]);
        }
      }
    }
    for (const auto& [event, ws] : waits) {
      EXPECT_TRUE(record.count(event)) << "wait on unrecorded event " << event;
      for (int w : ws) edges_[record[event]].push_back(w);
    }
    if (!plan.streams[0].empty()) {
      edges_[0].push_back(id[0].front());
      edges_[id[0].back()].push_back(1);
    } else {
      edges_[0].push_back(1);
    }
    reach_.assign(count, std::vector<bool>(count, false));
    for (int v = 0; v < count; ++v) {
      std::vector<int> stack = edges_[v];
      while (!stack.empty()) {
        const int u = stack.back();
        stack.pop_back();
        if (reach_[v][u]) continue;
        reach_[v][u] = true;
        stack.insert(stack.end(), edges_[u].begin(), edges_[u].end());
      }
    }
    record_ = record;
  }
  // Accesses: a node index, kPlanStart or kPlanEnd.
  int Vertex(int access) const {
    if (access == kPlanStart) return 0;
    if (access == kPlanEnd) return 1;
    return vertex_of_node_[access];
  }
  bool Before(int a, int b) const { return reach_[Vertex(a)][Vertex(b)]; }
  bool VertexBefore(int u, int v) const { return reach_[u][v]; }
  int RecordVertex(int event) const { return record_.at(event); }

 private:
  std::vector<std::vector<int>> edges_;
  std::vector<int> vertex_of_node_;
  std::vector<std::vector<bool>> reach_;
  std::map<int, int> record_;
};

// Independent of the planner's view analysis: what the plan launches decides who writes.
struct Accesses {
  std::vector<bool> atom;              // a value written by its own node (launched, or Input)
  std::vector<int> producer;           // node index or kPlanStart
  std::vector<std::set<int>> readers;  // launched readers of its bytes, kPlanEnd for outputs
};

Accesses ComputeAccesses(const Graph& g, const Plan& plan) {
  const int n = static_cast<int>(g.nodes.size());
  std::map<std::string, int> index;
  for (int i = 0; i < n; ++i) index[g.nodes[i].name] = i;
  std::vector<std::vector<int>> consumers(n);
  for (int i = 0; i < n; ++i) {
    for (const std::string& in : g.nodes[i].inputs) consumers[index[in]].push_back(i);
  }
  Accesses acc;
  acc.atom.assign(n, false);
  acc.producer.assign(n, -1);
  acc.readers.assign(n, {});
  for (const std::string& out : g.outputs) acc.readers[index[out]].insert(kPlanEnd);
  // A consumer that is not launched is a view of the value (an alias or an elided
  // concat): its readers read these bytes too.
  for (int i = n - 1; i >= 0; --i) {
    for (int c : consumers[i]) {
      if (plan.node_stream[c] >= 0) {
        acc.readers[i].insert(c);
      } else {
        acc.readers[i].insert(acc.readers[c].begin(), acc.readers[c].end());
      }
    }
  }
  for (int i = 0; i < n; ++i) {
    if (g.nodes[i].op == OpKind::kInput) {
      acc.atom[i] = true;
      acc.producer[i] = kPlanStart;
    } else if (plan.node_stream[i] >= 0) {
      acc.atom[i] = true;
      acc.producer[i] = i;
    }
  }
  return acc;
}

// The launched writers of a value's bytes (through views), kPlanStart for Inputs.
std::set<int> BytesWriters(const Graph& g, const Plan& plan, int v) {
  if (g.nodes[v].op == OpKind::kInput) return {kPlanStart};
  if (plan.node_stream[v] >= 0) return {v};
  std::set<int> writers;
  for (const std::string& in : g.nodes[v].inputs) {
    const std::set<int> w = BytesWriters(g, plan, g.IndexOf(in));
    writers.insert(w.begin(), w.end());
  }
  return writers;
}

void CheckSchedule(const RandomCase& rc, const Plan& plan, const Reachability& hb) {
  const Graph& g = rc.graph;
  EXPECT_LE(plan.num_streams, rc.max_streams);
  if (rc.max_streams == 1) {
    EXPECT_EQ(plan.num_events, 0);
  }
  for (int v = 0; v < static_cast<int>(g.nodes.size()); ++v) {
    if (plan.node_stream[v] < 0) continue;
    for (const std::string& in : g.nodes[v].inputs) {
      for (int w : BytesWriters(g, plan, g.IndexOf(in))) {
        EXPECT_TRUE(hb.Before(w, v)) << g.nodes[v].name << " may run before its input " << in;
      }
    }
    for (const std::string& out : g.outputs) {
      for (int w : BytesWriters(g, plan, g.IndexOf(out))) EXPECT_TRUE(hb.Before(w, kPlanEnd));
    }
  }
  // No redundant waits: a wait's record is not already known before the wait, nor
  // implied by another wait in the same run of waits.
  for (const std::vector<Step>& steps : plan.streams) {
    for (size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].kind != StepKind::kWaitEvent) continue;
      const int record = hb.RecordVertex(steps[i].event);
      size_t first = i;
      while (first > 0 && steps[first - 1].kind == StepKind::kWaitEvent) --first;
      size_t last = i;
      while (last + 1 < steps.size() && steps[last + 1].kind == StepKind::kWaitEvent) ++last;
      for (size_t j = first; j <= last; ++j) {
        if (j == i) continue;
        const int other = hb.RecordVertex(steps[j].event);
        EXPECT_FALSE(hb.VertexBefore(record, other)) << "redundant wait on e" << steps[i].event;
      }
      if (first > 0) {  // the step before the run of waits must not know the record
        const Step& before = steps[first - 1];
        const bool known = before.kind == StepKind::kLaunch
                               ? hb.VertexBefore(record, hb.Vertex(before.node))
                               : hb.VertexBefore(record, hb.RecordVertex(before.event));
        EXPECT_FALSE(known) << "wait on e" << steps[i].event << " already known";
      }
    }
  }
}

// Every access of atom x happens before `access`.
bool AllBefore(const Accesses& acc, const Reachability& hb, int x, int access) {
  if (!hb.Before(acc.producer[x], access)) return false;
  for (int r : acc.readers[x]) {
    if (!hb.Before(r, access)) return false;
  }
  return true;
}

void CheckMemory(const RandomCase& rc, const Plan& plan, const Accesses& acc,
                 const Reachability& hb) {
  const Graph& g = rc.graph;
  const int n = static_cast<int>(g.nodes.size());
  auto all_before = [&](int x, int y) { return AllBefore(acc, hb, x, acc.producer[y]); };
  for (int x = 0; x < n; ++x) {
    for (int y = x + 1; y < n; ++y) {
      if (!acc.atom[x] || !acc.atom[y]) continue;
      const ValuePlacement& a = plan.values[x];
      const ValuePlacement& b = plan.values[y];
      const bool overlap = a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
      if (overlap) {
        EXPECT_TRUE(all_before(x, y) || all_before(y, x))
            << g.nodes[x].name << " and " << g.nodes[y].name << " share bytes unordered";
      }
    }
    // A workspace is only accessed by its node.
    const WorkspacePlacement& w = plan.workspaces[x];
    if (w.bytes == 0) continue;
    for (int y = 0; y < n; ++y) {
      if (!acc.atom[y]) continue;
      const ValuePlacement& b = plan.values[y];
      if (w.offset < b.offset + b.bytes && b.offset < w.offset + w.bytes) {
        const bool ordered = hb.Before(x, acc.producer[y]) || AllBefore(acc, hb, y, x);
        EXPECT_TRUE(ordered) << "workspace of " << g.nodes[x].name << " shares bytes with "
                             << g.nodes[y].name;
      }
    }
  }
  EXPECT_LE(plan.lower_bound_bytes, plan.arena_bytes);
  if (rc.alignment == 1) {
    EXPECT_LE(plan.arena_bytes, plan.naive_bytes);
  }
}

// With one stream, the lower bound is the max over steps of the bytes live in program
// order (buffers by root, live from their first write to their last read).
int64_t SequentialMaxLive(const Graph& g, const Plan& plan, const Accesses& acc) {
  const int n = static_cast<int>(g.nodes.size());
  std::vector<int> position(n, -1);
  int launches = 0;
  for (const Step& step : plan.streams[0]) {
    if (step.kind == StepKind::kLaunch) position[step.node] = launches++;
  }
  auto pos = [&](int access) {
    return access == kPlanStart ? -1 : access == kPlanEnd ? launches : position[access];
  };
  std::vector<int> first(n, launches + 1), last(n, -2);
  for (int v = 0; v < n; ++v) {
    const int root = plan.values[v].root;
    if (acc.atom[v]) {  // a buffer is also busy while a later slice writes into it
      first[root] = std::min(first[root], pos(acc.producer[v]));
      last[root] = std::max(last[root], pos(acc.producer[v]));
    }
    for (int r : acc.readers[v]) last[root] = std::max(last[root], pos(r));
  }
  int64_t best = 0;
  for (int t = -1; t <= launches; ++t) {
    int64_t live = 0;
    for (int v = 0; v < n; ++v) {
      if (plan.values[v].kind == ValueKind::kBuffer && first[v] <= t && t <= last[v]) {
        live += plan.values[v].bytes;
      }
      if (plan.workspaces[v].bytes > 0 && position[v] == t) live += plan.workspaces[v].bytes;
    }
    best = std::max(best, live);
  }
  return best;
}

TEST(PlanRandomTest, InvariantsHold) {
  int corruptions = 0, multi_stream = 0, with_slices = 0;
  for (unsigned seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const RandomCase rc = MakeRandomCase(seed);
    const Graph& g = rc.graph;
    Plan plan = ScheduleStreams(g, rc.max_streams);
    std::mt19937 rng(seed * 7919u);
    std::vector<int64_t> workspaces(g.nodes.size(), 0);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (plan.node_stream[i] >= 0 && rng() % 5 == 0) workspaces[i] = 1 + rng() % 2048;
    }
    PlanMemory(g, plan, 4, rc.alignment, workspaces);
    ASSERT_NO_THROW(CheckNoOverlap(g, plan)) << PlanToString(g, plan);
    const Reachability hb(g, plan);
    const Accesses acc = ComputeAccesses(g, plan);
    multi_stream += plan.num_streams > 1;
    with_slices += std::any_of(plan.values.begin(), plan.values.end(),
                               [](const ValuePlacement& v) { return v.kind == ValueKind::kSlice; });
    CheckSchedule(rc, plan, hb);
    CheckMemory(rc, plan, acc, hb);
    if (plan.num_streams == 1) {
      EXPECT_EQ(plan.lower_bound_bytes, SequentialMaxLive(g, plan, acc)) << PlanToString(g, plan);
    }
    if (HasFailure()) {
      ADD_FAILURE() << PlanToString(g, plan);
      return;
    }

    // Corrupt: move a buffer without views onto another it is not ordered with.
    std::vector<int> solo;
    for (size_t v = 0; v < g.nodes.size(); ++v) {
      bool has_views = false;
      for (size_t u = 0; u < g.nodes.size(); ++u) {
        has_views = has_views || (u != v && plan.values[u].root == static_cast<int>(v));
      }
      if (plan.values[v].kind == ValueKind::kBuffer && !has_views) solo.push_back(v);
    }
    bool corrupted = false;
    for (size_t i = 0; i < solo.size() && !corrupted; ++i) {
      for (size_t j = 0; j < solo.size() && !corrupted; ++j) {
        const int x = solo[i], y = solo[j];
        if (x == y || plan.values[x].bytes > plan.values[y].bytes) continue;
        if (AllBefore(acc, hb, x, acc.producer[y]) || AllBefore(acc, hb, y, acc.producer[x])) {
          continue;
        }
        Plan broken = plan;
        broken.values[x].offset = broken.values[y].offset;
        EXPECT_THROW(CheckNoOverlap(g, broken), Error)
            << g.nodes[x].name << " moved onto " << g.nodes[y].name;
        corrupted = true;
      }
    }
    corruptions += corrupted;
  }
  // The cases cover what they should.
  EXPECT_GT(corruptions, kSeeds / 2);
  EXPECT_GT(multi_stream, kSeeds / 2);
  EXPECT_GT(with_slices, kSeeds / 2);
  std::printf("%d seeds: %d on several streams, %d with concat slices, %d corruptions caught\n",
              kSeeds, multi_stream, with_slices, corruptions);
}

TEST(PlanRandomTest, Deterministic) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const RandomCase rc = MakeRandomCase(seed);
    Plan a = ScheduleStreams(rc.graph, rc.max_streams);
    Plan b = ScheduleStreams(rc.graph, rc.max_streams);
    PlanMemory(rc.graph, a, 4, rc.alignment);
    PlanMemory(rc.graph, b, 4, rc.alignment);
    EXPECT_EQ(PlanToString(rc.graph, a), PlanToString(rc.graph, b));
  }
}

}  // namespace
}  // namespace incept

// Memory planning (docs/design.md §5): offsets of every value in one arena.
//
// Buffers: every value that owns bytes (ValueKind::kBuffer: launched nodes, Inputs, elided
// Concats) and every non-zero workspace. Views share their root's bytes: an alias at the
// root's offset, a concat slice at base offset + channel_offset * H * W * element size in
// NCHW, base offset + channel_offset * element size in NHWC (then strided by the root's C
// from pixel to pixel; plan.h).
//
// Accesses of a buffer: its writers (the launched nodes writing any of its views;
// kPlanStart for an Input, written by the caller) and readers (the launched nodes reading
// any of its views; kPlanEnd for a graph output or aux output, read by the caller, so an
// output is never overwritten). A workspace's only access is its node.
//
// Sharing rule (ONNX Runtime's multi-stream rule): X may precede Y in the same bytes only
// if every access of X happens before every writer of Y in the step DAG (stream order +
// events, StepOrder), not merely earlier in program order. X and Y conflict if neither
// precedes the other. "Precedes" is a strict partial order on buffers.
//
// Placement (TFLite's arena planner): buffers by size, largest first (ties: first write
// earlier in plan.order, then node order), each at the offset of the tightest gap that
// fits among the already placed buffers it conflicts with (offsets aligned to `alignment`),
// else after the last of them.
//
// Reported sizes:
//   naive_bytes       = the sum of all buffers and workspaces (no reuse, no alignment);
//   lower_bound_bytes = the largest total size of buffers that pairwise conflict (a max
//                       weight antichain of "precedes", computed exactly by a max flow;
//                       by Dilworth/König it is total - maxflow in the split graph): no
//                       placement obeying the sharing rule for this schedule uses fewer
//                       bytes. For one stream it is the usual max of live bytes over steps;
//                       with several streams it also counts buffers of concurrent
//                       branches that program order alone would let share;
//   arena_bytes       = the largest offset + size.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

// Fills plan.values, plan.workspaces and the sizes of a scheduled plan (ScheduleStreams).
// `workspace_bytes` is empty or has one entry per node (0: none; only launched nodes may
// ask). Throws Error on a plan that does not launch exactly the graph's launched nodes, on
// bytes_per_element < 1 or alignment < 1.
void PlanMemory(const Graph& graph, Plan& plan, int64_t bytes_per_element = 4,
                int64_t alignment = 256, const std::vector<int64_t>& workspace_bytes = {});

// The same with one format per value (`formats`, one per node: each value's element type
// and layout, a view's equal to its root's, else Error): value bytes = elements * its
// element size; plan.bytes_per_element = 0 and plan.values[i].format = formats[i].
void PlanMemory(const Graph& graph, Plan& plan, const std::vector<ValueFormat>& formats,
                int64_t alignment = 256, const std::vector<int64_t>& workspace_bytes = {});

// Throws Error naming two buffers and their byte ranges if they overlap while neither
// precedes the other, or naming a value whose placement disagrees with the graph (wrong
// kind, root or format, outside its root, outside the arena). Recomputes everything from the graph
// and the plan's steps.
void CheckNoOverlap(const Graph& graph, const Plan& plan);

}  // namespace incept

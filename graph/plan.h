// Plan: how a graph runs, as plain data (docs/design.md §5).
//
// Streams: per stream, an ordered list of steps (launch a node, record an event, wait on an
// event), ONNX Runtime's multi-stream plan. Stream 0 is the caller's stream: the caller
// writes the Input values on it before the plan starts and reads the outputs on it after
// the plan ends, so every other stream waits (directly or transitively) on stream 0
// before its first launch, and stream 0 ends with waits on every other stream's last
// event (a fork and a join around the whole plan, which CUDA graph capture requires too).
//
// Happens-before: step a happens before step b iff b is after a on the same stream, or a
// path of stream order and record->wait edges leads from a to b. StepOrder computes it
// with a vector clock per stream: clock[t] = the number of launches of stream t known
// complete (-1: not even the start of stream t is known).
//
// Memory: every node produces one value. A value either owns a buffer (a root) or is a
// view into another value's bytes (ValueKind); roots and per-node workspaces get offsets
// in one arena. Values that are not launched: Input (written by the caller), elided
// Concats (their inputs write into their channel slices), aliases (Dropout, Flatten of
// a contiguous value: the same bytes under another name) and channel views (ChannelSlice:
// some channels of its input's bytes). A view's batch stride is its root's C*H*W unless it
// is an alias (contiguous: its own C*H*W, which is the root's).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace incept {

enum class StepKind { kLaunch, kRecordEvent, kWaitEvent };

struct Step {
  StepKind kind = StepKind::kLaunch;
  int node = -1;   // index into graph.nodes (kLaunch)
  int event = -1;  // event id (kRecordEvent, kWaitEvent)
  bool operator==(const Step& o) const {
    return kind == o.kind && node == o.node && event == o.event;
  }
};

// A step by position: streams[stream][index].
struct StepRef {
  int stream = 0;
  int index = 0;
  bool operator==(const StepRef& o) const { return stream == o.stream && index == o.index; }
};

enum class ValueKind {
  kBuffer,       // owns its bytes in the arena
  kSlice,        // channels [off, off + C) of a Concat value (Node::output_slice)
  kAlias,        // the same bytes as its single input (Dropout, Flatten)
  kChannelView,  // channels [off, off + C) of its input (ChannelSlice): inside the input's
                 // bytes at off * H * W elements, strided by its root's images
};

struct ValuePlacement {
  ValueKind kind = ValueKind::kBuffer;
  int root = -1;        // node whose buffer holds the bytes (itself for kBuffer)
  int64_t offset = -1;  // arena byte offset of element 0
  int64_t bytes = 0;    // elements * bytes_per_element (a slice with batch > 1 is strided
                        // inside its root; `bytes` is then its payload, not its extent)
};

// A node's scratch space, live only while the node runs.
struct WorkspacePlacement {
  int64_t offset = -1;
  int64_t bytes = 0;
};

struct Plan {
  // Schedule (ScheduleStreams).
  int num_streams = 0;
  std::vector<std::vector<Step>> streams;
  int num_events = 0;
  std::vector<int> node_stream;  // per node; -1 if not launched
  std::vector<StepRef> order;    // every step once, a valid enqueue order: each wait comes
                                 // after the record of its event (host execution order)
  // Memory (PlanMemory); empty until planned.
  int64_t bytes_per_element = 0;
  int64_t alignment = 0;
  std::vector<ValuePlacement> values;          // per node
  std::vector<WorkspacePlacement> workspaces;  // per node; bytes 0 if none
  int64_t arena_bytes = 0;                     // max end of any buffer or workspace
  int64_t lower_bound_bytes = 0;               // see memory_plan.h
  int64_t naive_bytes = 0;                     // sum of all buffers and workspaces, no reuse
};

// ---- What the graph asks of a plan ----------------------------------------------------

// The views of a graph: which values own bytes, which are slices or aliases, and which
// nodes launch. Validates concat elision (a slice names a Concat it feeds, in bounds;
// every input of an elided Concat is one of its slices) and throws Error otherwise. A
// Concat that is not elided may have some slice inputs: it launches after them and copies
// the others.
struct GraphViews {
  std::vector<std::vector<int>> inputs;       // per node: the nodes it reads, in input order
  std::vector<ValueKind> kind;                // per node
  std::vector<int> base;                      // per node: the value it views (-1 for kBuffer)
  std::vector<int64_t> slice_channel_offset;  // per node, kSlice and kChannelView only
  std::vector<bool> launched;                 // per node
  // Per node, the launched nodes that write the value's bytes (empty for an Input: the
  // caller writes it before the plan starts) and those that read them (through views).
  std::vector<std::vector<int>> writers;
  std::vector<std::vector<int>> readers;
  std::vector<bool> is_output;  // per node: an output, or aux output, reads it at the end
};
GraphViews AnalyzeViews(const Graph& graph);

// ---- Happens-before over a plan's steps ------------------------------------------------

// Pseudo-accesses: the caller's writes before the plan and reads after it.
constexpr int kPlanStart = -2;
constexpr int kPlanEnd = -3;

// Vector clocks of a plan's launches. Validates the steps (each event recorded once,
// every wait's event recorded on another stream, every launched node launched once, no
// deadlock) and throws Error naming the step otherwise.
class StepOrder {
 public:
  StepOrder(const Graph& graph, const Plan& plan);

  // True iff access a (a node index, kPlanStart or kPlanEnd) happens strictly before b.
  bool HappensBefore(int a, int b) const;
  // Position of a launched node in `plan.order` counting launches only (0-based); start
  // is -1 and end is the number of launches.
  int LinearIndex(int node) const;
  int num_launches() const { return num_launches_; }
  bool IsLaunched(int node) const;

 private:
  std::vector<int> stream_;              // per node, -1 if not launched
  std::vector<int> position_;            // per node, 1-based launch count on its stream
  std::vector<std::vector<int>> clock_;  // per node, clock at its launch
  std::vector<int> end_clock_;           // stream 0's clock at its end
  std::vector<int> linear_;              // per node
  int num_launches_ = 0;
};

// ---- Printing ---------------------------------------------------------------------------

// Stable text: one line per stream ("stream 1: wait e0, launch b, record e1"), then, if
// memory is planned, the arena summary and one line per value and workspace.
std::string PlanToString(const Graph& graph, const Plan& plan);

const char* StepKindName(StepKind kind);    // "launch", "record", "wait"
const char* ValueKindName(ValueKind kind);  // "buffer", "slice", "alias", "channel view"

}  // namespace incept

// Plan: how a graph runs, as plain data (docs/design.md §5).
//
// Streams: per stream, an ordered list of steps (launch a node, record an event, wait on an
// event), ONNX Runtime's multi-stream plan. Stream 0 is the caller's stream: the caller
// writes the Input values on it before the plan starts and reads the outputs on it after
// the plan ends, so every other stream waits (directly or transitively) on stream 0
// before its first launch, and stream 0 ends with waits on every other stream's last
// event (a fork and a join around the whole plan, which CUDA graph capture requires too).
//
// Memory: every node produces one value. A value either owns a buffer (a root) or is a
// view into another value's bytes (ValueKind); roots and per-node workspaces get offsets
// in one arena. Values that are not launched: Input (written by the caller), elided
// Concats (their inputs write into their channel slices), aliases (Dropout, Flatten of
// a contiguous value: the same bytes under another name) and channel views (ChannelSlice:
// some channels of its input's bytes). A view's batch stride is its root's C*H*W unless it
// is an alias (contiguous: its own C*H*W, which is the root's).
//
// Types and layouts: every value has an element type and a layout (ValueFormat, chosen by
// the precision policy, precision_policy.h). A view has its root's. In NCHW a channel slice
// starts off * H * W elements into each image of its root; in NHWC it starts off elements
// into each pixel and steps by the root's C from pixel to pixel (the pixel stride). Either
// way an image of the root is C*H*W elements.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/element_type.h"
#include "graph/graph.h"
#include "graph/planner/reduce_fusion_decision.h"
#include "graph/planner/tactic.h"

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

// What a value's bytes hold: the element type and the order of the elements.
struct ValueFormat {
  ElementType type = ElementType::kF32;
  Layout layout = Layout::kNCHW;
  bool operator==(const ValueFormat& o) const { return type == o.type && layout == o.layout; }
  bool operator!=(const ValueFormat& o) const { return !(*this == o); }
};

struct ValuePlacement {
  ValueKind kind = ValueKind::kBuffer;
  ValueFormat format;   // the root's format for a view
  int root = -1;        // node whose buffer holds the bytes (itself for kBuffer)
  int64_t offset = -1;  // arena byte offset of element 0
  int64_t bytes = 0;    // elements * element size (a slice with batch > 1 is strided
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
  Precision precision = Precision::kFp32;  // the policy the formats come from
  int64_t bytes_per_element = 0;  // one size for every value (fp32 NCHW plans: 4), or 0 when
                                  // each value has its own (values[i].format)
  int64_t alignment = 0;
  std::vector<ValuePlacement> values;          // per node
  std::vector<WorkspacePlacement> workspaces;  // per node; bytes 0 if none
  int64_t arena_bytes = 0;                     // max end of any buffer or workspace
  int64_t lower_bound_bytes = 0;               // see memory_plan.h
  int64_t naive_bytes = 0;                     // sum of all buffers and workspaces, no reuse
  // Tactics (tactic.h): per node, filled by the backend (Backend::AssignTactics); empty
  // until then.
  std::vector<Tactic> tactics;
  // Reduce fusion (reduce_fusion_decision.h): one decision per 1x1 reduce -> KxK pair of the
  // unfused graph, made before the schedule; the plan's graph has the `fused` ones fused.
  std::vector<ReduceFusionDecision> reduce_fusions;
};

// ---- Printing ---------------------------------------------------------------------------

// Stable text: one line per stream ("stream 1: wait e0, launch b, record e1"), then, if
// memory is planned, the arena summary and one line per value and workspace (with its type
// and layout when the plan has per-value formats).
std::string PlanToString(const Graph& graph, const Plan& plan);

const char* StepKindName(StepKind kind);    // "launch", "record", "wait"
const char* ValueKindName(ValueKind kind);  // "buffer", "slice", "alias", "channel view"
std::string ValueFormatName(const ValueFormat& format);  // "fp16 NHWC"
// The element size of value i: plan.bytes_per_element, or its format's when that is 0.
int64_t ValueElementSize(const Plan& plan, int i);

}  // namespace incept

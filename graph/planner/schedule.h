// Stream scheduling (docs/design.md §5): which stream launches each node, and the
// events that order the streams.
//
// Assignment, a greedy over the topological order of the launched nodes:
//   - a node continues on the stream of one of its predecessors if that predecessor is the
//     stream's last node (the lowest such stream; a node with no launched predecessor
//     continues on stream 0 while stream 0 is empty);
//   - otherwise it takes the least recently used free stream (a stream is free if its last
//     node has no successor left to schedule; unused streams are free and least recently
//     used, lowest index first), or, if none is free, the least recently used stream.
// So the main chain stays on stream 0 and the branches of a fork go to other streams.
//
// Synchronisation, by a vector clock per stream (what each stream already knows to be
// complete on every stream): before a launch, its stream waits on one event per other
// stream it depends on, recorded right after the latest predecessor there; a wait is
// dropped if the stream already knows that predecessor complete, or if another of the
// node's waits brings that knowledge (no redundant waits, at most one wait per stream).
// A stream other than 0 first waits on stream 0 (on the fork event, or on an event
// recorded at the start of stream 0 for a node that reads only Inputs), and stream 0 ends
// with a wait on every stream whose last launch it does not know complete (the join).
// Events are numbered in the order they are recorded in `plan.order`. With max_streams 1
// (or a chain) everything is on stream 0 and there are no events.
#pragma once

#include "graph/graph.h"
#include "graph/planner/plan.h"

namespace incept {

// Builds the stream part of a Plan (memory left empty). Deterministic. Throws Error if
// max_streams < 1 or the graph's views are inconsistent (see AnalyzeViews).
Plan ScheduleStreams(const Graph& graph, int max_streams);

}  // namespace incept

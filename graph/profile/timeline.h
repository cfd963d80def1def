// From the timed records of profiled runs (graph/backend.h NodeTiming: one per kernel, copy
// or host launch) to per-node times and the concurrency of a run.
//
// A node's time in one run is the span of its records, [first start, last end]; its kernel
// time is the sum of their durations (less than the span when its kernels left gaps, more
// never for records on one stream). Over several runs a node reports the median of each.
//
// Concurrency of one run (records as intervals [start, start + duration)):
//   busy      the length of their union: time with at least one kernel in flight
//   in flight at time t, the number of intervals containing t; its average over the busy
//             time is (sum of durations) / busy, over the wall time (sum of durations) / wall
//   gaps      the holes in the union between the first start and the last end (launch and
//             dependency latency with nothing running); the wall time less the first start
//             to last end span is the run's start-up and tail (launch, event overhead)
#pragma once

#include <string>
#include <vector>

#include "graph/backend.h"

namespace incept::profile {

struct NodeTimes {
  int node = -1;
  int runs = 0;               // runs in which it had records
  double span_us = 0;         // median over runs of [first start, last end]
  double kernel_us = 0;       // median over runs of the sum of its record durations
  double first_start_us = 0;  // median over runs of its first start (relative to each run)
  int kernels = 0;            // records per run (the most seen in a run)
  std::vector<std::string> kernel_names;  // distinct names, first-seen order
};

// Per graph node (num_nodes entries, node == index; runs == 0 where it had no record).
// Records naming no node (node < 0) or one out of range are ignored here (see Unmapped).
std::vector<NodeTimes> AggregateNodeTimes(const std::vector<std::vector<NodeTiming>>& runs,
                                          size_t num_nodes);

// Records of one run that no node claims (node < 0): work the mapping could not place.
size_t CountUnmapped(const std::vector<NodeTiming>& run);

struct Concurrency {
  double wall_us = 0;              // as given (the run's own clock); 0 if unknown
  double span_us = 0;              // first start to last end
  double busy_us = 0;              // union of the records
  double kernel_us = 0;            // sum of the records' durations
  double mean_in_flight_busy = 0;  // kernel_us / busy_us
  double mean_in_flight_wall = 0;  // kernel_us / wall_us (0 if wall unknown)
  int max_in_flight = 0;
  int gaps = 0;       // holes in the union inside the span
  double gap_us = 0;  // their total
  double longest_gap_us = 0;
  // The in-flight count as a step function: (time, count from that time on), starting at
  // the first start and ending with count 0 at the last end.
  std::vector<std::pair<double, int>> in_flight;
};

Concurrency MeasureConcurrency(const std::vector<NodeTiming>& run, double wall_us);

double Median(std::vector<double> values);  // 0 for none

}  // namespace incept::profile

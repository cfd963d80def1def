// Per-node medians; a sweep over record boundaries for the concurrency of a run.
#include "graph/profile/timeline.h"

#include <algorithm>
#include <map>

namespace incept::profile {

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::vector<NodeTimes> AggregateNodeTimes(const std::vector<std::vector<NodeTiming>>& runs,
                                          size_t num_nodes) {
  std::vector<NodeTimes> nodes(num_nodes);
  std::vector<std::vector<double>> spans(num_nodes), kernels(num_nodes), starts(num_nodes);
  for (size_t i = 0; i < num_nodes; ++i) nodes[i].node = static_cast<int>(i);
  for (const std::vector<NodeTiming>& run : runs) {
    struct Seen {
      double first = 0, last = 0, sum = 0;
      int count = 0;
    };
    std::map<int, Seen> seen;
    for (const NodeTiming& t : run) {
      if (t.node < 0 || static_cast<size_t>(t.node) >= num_nodes) continue;
      Seen& s = seen[t.node];
      const double end = t.start_us + t.duration_us;
      s.first = s.count ? std::min(s.first, t.start_us) : t.start_us;
      s.last = s.count ? std::max(s.last, end) : end;
      s.sum += t.duration_us;
      ++s.count;
      std::vector<std::string>& names = nodes[t.node].kernel_names;
      if (!t.kernel.empty() && std::find(names.begin(), names.end(), t.kernel) == names.end())
        names.push_back(t.kernel);
    }
    for (const auto& [node, s] : seen) {
      spans[node].push_back(s.last - s.first);
      kernels[node].push_back(s.sum);
      starts[node].push_back(s.first);
      nodes[node].kernels = std::max(nodes[node].kernels, s.count);
      ++nodes[node].runs;
    }
  }
  for (size_t i = 0; i < num_nodes; ++i) {
    nodes[i].span_us = Median(spans[i]);
    nodes[i].kernel_us = Median(kernels[i]);
    nodes[i].first_start_us = Median(starts[i]);
  }
  return nodes;
}

size_t CountUnmapped(const std::vector<NodeTiming>& run) {
  return static_cast<size_t>(
      std::count_if(run.begin(), run.end(), [](const NodeTiming& t) { return t.node < 0; }));
}

Concurrency MeasureConcurrency(const std::vector<NodeTiming>& run, double wall_us) {
  Concurrency c;
  c.wall_us = wall_us;
  if (run.empty()) return c;
  // +1 at every start, -1 at every end; at equal times ends first, so back-to-back
  // records do not count as overlapping.
  std::vector<std::pair<double, int>> edges;
  for (const NodeTiming& t : run) {
    edges.push_back({t.start_us, +1});
    edges.push_back({t.start_us + t.duration_us, -1});
    c.kernel_us += t.duration_us;
  }
  std::sort(edges.begin(), edges.end());
  const double first = edges.front().first, last = edges.back().first;
  c.span_us = last - first;
  int in_flight = 0;
  double previous = first;
  for (size_t i = 0; i < edges.size(); ++i) {
    const double t = edges[i].first;
    if (in_flight > 0) c.busy_us += t - previous;
    if (in_flight == 0 && t > previous && i > 0) {
      ++c.gaps;
      c.gap_us += t - previous;
      c.longest_gap_us = std::max(c.longest_gap_us, t - previous);
    }
    in_flight += edges[i].second;
    c.max_in_flight = std::max(c.max_in_flight, in_flight);
    previous = t;
    const bool last_at_this_time = i + 1 == edges.size() || edges[i + 1].first != t;
    if (last_at_this_time) {
      if (!c.in_flight.empty() && c.in_flight.back().first == t)
        c.in_flight.back().second = in_flight;
      else if (c.in_flight.empty() || c.in_flight.back().second != in_flight)
        c.in_flight.push_back({t, in_flight});
    }
  }
  c.mean_in_flight_busy = c.busy_us > 0 ? c.kernel_us / c.busy_us : 0;
  c.mean_in_flight_wall = wall_us > 0 ? c.kernel_us / wall_us : 0;
  return c;
}

}  // namespace incept::profile

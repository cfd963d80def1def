// A Chrome/Perfetto trace (chrome://tracing, ui.perfetto.dev) of one profiled run:
//   - one lane (thread) per stream the work ran on: the CUDA stream CUPTI saw (named with
//     the plan streams whose nodes ran there) or, on the host, the plan stream;
//   - one complete event ("ph":"X") per record, named after its node, with the kernel name,
//     op and output shape in its args;
//   - a flow arrow ("ph":"s" -> "ph":"f") for every record -> wait edge of the plan, from
//     the producer's last record to the consumer's first;
//   - a counter track ("ph":"C") of the kernels in flight.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "graph/backend.h"
#include "graph/graph.h"
#include "graph/profile/plan_dag.h"
#include "graph/profile/timeline.h"

namespace incept::profile {

nlohmann::json ChromeTrace(const Graph& graph, const PlanDag& dag,
                           const std::vector<NodeTiming>& run, const Concurrency& concurrency);

}  // namespace incept::profile

// incept bench --throughput: sustained throughput with K contexts working at once (like
// trtexec's --infStreams).
//
//   cuda  K contexts of one engine (incept::EngineContext: the plan, precision, reduce
//         fusions and tactics `incept bench` would use), each with three streams (upload, compute,
//         download), pinned host buffers and two slots of device buffers, so that the
//         host-to-device copy of batch i+1, the compute of batch i and the device-to-host
//         copy of batch i-1 overlap, within a context and across contexts. GPU busy: the
//         fraction of the wall time during which at least one context's compute ran
//         (union of the compute intervals, timed by events).
//   host  K threads, each running its own engine (the host backend's parallelism is
//         inside each run; K > 1 mostly measures contention). GPU busy: not applicable.
//
// Latency of a batch: from issuing its upload to its outputs being back in host memory,
// as a caller of that context sees it.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/tensor.h"
#include "host/engine.h"

namespace incept::cli {

struct ThroughputOptions {
  int batch = 64;
  int contexts = 2;
  double seconds = 5;
  EngineOptions engine;  // backend, passes, streams
};

struct ThroughputResult {
  std::string backend;
  int batch = 0, contexts = 0;
  long long batches = 0;
  double seconds = 0, images_per_second = 0, p50_ms = 0, p99_ms = 0;
  double gpu_busy = -1;  // fraction of wall time; < 0: not measured (host)
};

ThroughputResult MeasureThroughput(const Graph& graph, const WeightMap& weights,
                                   const ThroughputOptions& options);

// `incept bench --throughput`: measures each batch size and prints a table (or JSON).
int RunThroughputBench(const std::string& model, const Graph& graph, const WeightMap& weights,
                       const EngineOptions& engine, const std::vector<int>& batches, int contexts,
                       double seconds, bool json);

}  // namespace incept::cli

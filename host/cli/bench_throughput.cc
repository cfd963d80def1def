// incept bench --throughput (bench_throughput.h): the host path (K threads, K contexts of one
// engine) and the CUDA path (K pipelined contexts).
#include "host/cli/bench_throughput.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "host/cli/model_loading.h"

#ifdef INCEPT_HAVE_CUDA
#include <cuda_runtime_api.h>

#include "cuda/check.h"
#include "cuda/cuda_backend.h"
#include "cuda/device_arena.h"
#include "cuda/pinned_buffer.h"
#include "cuda/stream.h"
#endif

namespace incept::cli {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
}

void Finish(ThroughputResult& r, const std::vector<double>& latencies_ms, double wall_s) {
  r.batches = static_cast<long long>(latencies_ms.size());
  r.seconds = wall_s;
  r.images_per_second = r.batches * r.batch / wall_s;
  r.p50_ms = Percentile(latencies_ms, 0.5);
  r.p99_ms = Percentile(latencies_ms, 0.99);
}

// K threads on one engine, each with its own context, each running batches until the
// deadline.
ThroughputResult HostThroughput(const Graph& graph, const WeightMap& weights,
                                const ThroughputOptions& o) {
  Engine engine(graph, weights, o.engine);
  std::vector<std::unique_ptr<EngineContext>> contexts;
  for (int k = 0; k < o.contexts; ++k) contexts.push_back(engine.CreateContext());
  Tensor input = LoadInput(graph, "", {}, o.batch);
  for (auto& c : contexts) c->Run(input);  // plans and warms up, outside the timing
  std::mutex mutex;
  std::vector<double> latencies;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int k = 0; k < o.contexts; ++k)
    threads.emplace_back([&, k] {
      std::vector<double> mine;
      while (Clock::now() < deadline) {
        Clock::time_point t = Clock::now();
        contexts[k]->Run(input);
        mine.push_back(Ms(Clock::now() - t));
      }
      std::lock_guard<std::mutex> lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  for (auto& t : threads) t.join();
  ThroughputResult r;
  r.backend = engine.backend_name();
  r.batch = o.batch;
  r.contexts = o.contexts;
  Finish(r, latencies, std::chrono::duration<double>(Clock::now() - start).count());
  return r;
}

#ifdef INCEPT_HAVE_CUDA
// Float buffers in pinned host memory and in device memory (the cuda library's
// cuda::PinnedBuffer and cuda::DeviceArena), freed with the object.
struct PinnedBuffer {
  cuda::PinnedBuffer memory;
  float* data;
  explicit PinnedBuffer(size_t floats) : memory(floats * sizeof(float)), data(memory.floats()) {}
};

struct DeviceBuffer {
  cuda::DeviceArena memory;
  float* data;
  explicit DeviceBuffer(size_t floats)
      : memory(floats * sizeof(float)), data(static_cast<float*>(memory.base())) {}
};

// One pipelined context: two slots, each with its own device input and output, pinned
// output, and events. Batch i uses slot i % 2:
//   upload stream    waits computed[slot] (batch i-2 has read its input), copies in,
//                    records uploaded[slot]
//   compute stream   waits uploaded[slot] and downloaded[slot] (batch i-2's output is
//                    out), runs the plan, records compute_start/computed[slot]
//   download stream  waits computed[slot], copies out, records downloaded[slot]
// The host waits on downloaded[slot] before issuing batch i (batch i-2 is complete).
struct Pipeline {
  static constexpr int kSlots = 2;
  std::unique_ptr<EngineContext> context;  // its executable for the batch's shape
  cuda::Stream upload, compute, download;
  PinnedBuffer input;
  std::vector<std::unique_ptr<PinnedBuffer>> output;
  std::vector<std::unique_ptr<DeviceBuffer>> device_input, device_output;
  std::vector<cuda::Event> uploaded, compute_start, computed, downloaded;
  std::vector<Clock::time_point> issued;
  std::vector<bool> in_flight;

  Pipeline(std::unique_ptr<EngineContext> c, size_t in_floats, size_t out_floats)
      : context(std::move(c)), input(in_floats), issued(kSlots), in_flight(kSlots, false) {
    for (int s = 0; s < kSlots; ++s) {
      output.push_back(std::make_unique<PinnedBuffer>(out_floats));
      device_input.push_back(std::make_unique<DeviceBuffer>(in_floats));
      device_output.push_back(std::make_unique<DeviceBuffer>(out_floats));
      uploaded.emplace_back(cudaEventDisableTiming);
      compute_start.emplace_back(cudaEventDefault);
      computed.emplace_back(cudaEventDefault);
      downloaded.emplace_back(cudaEventDisableTiming);
    }
  }
};

// Union length of [start, end) intervals.
double UnionLength(std::vector<std::pair<double, double>> intervals) {
  std::sort(intervals.begin(), intervals.end());
  double total = 0, end = -1e300;
  for (auto [a, b] : intervals) {
    if (a > end) {
      total += b - a;
      end = b;
    } else if (b > end) {
      total += b - end;
      end = b;
    }
  }
  return total;
}

// The engine as `incept bench` builds it (passes, per-plan reduce fusion, precision,
// tactics), one EngineContext per pipeline: each enqueues its own executable for the
// batch's shape on the pipeline's compute stream (EngineContext::Enqueue).
ThroughputResult CudaThroughput(const Graph& loaded, const WeightMap& loaded_weights,
                                const ThroughputOptions& o) {
  if (std::string why = cuda::CudaBackend().Unavailable(); !why.empty())
    throw Error("--throughput on cuda: " + why);
  EngineOptions options = o.engine;
  options.backend = "cuda";
  Engine engine(loaded, loaded_weights, options);
  Shape shape = loaded.nodes.at(loaded.InputIndices().at(0)).shape;
  shape.n = o.batch;
  int64_t out_elements = 0;
  {
    const Graph& planned = engine.Prepare(shape).graph;  // plans and chooses tactics once
    for (const std::string& name : planned.outputs)
      out_elements += planned.at(name).shape.elements();
  }
  const size_t in = static_cast<size_t>(shape.elements());
  const size_t out = static_cast<size_t>(out_elements);

  std::vector<std::unique_ptr<Pipeline>> pipes;
  for (int k = 0; k < o.contexts; ++k) {
    pipes.push_back(std::make_unique<Pipeline>(engine.CreateContext(), in, out));
    Tensor batch = LoadInput(loaded, "", {}, o.batch);
    std::copy(batch.data.begin(), batch.data.end(), pipes.back()->input.data);
  }
  cuda::Event origin(cudaEventDefault);
  CUDA_CHECK(cudaEventRecord(origin.get(), pipes[0]->compute.get()));

  std::vector<double> latencies;
  std::vector<std::pair<double, double>> busy;  // compute intervals, ms from origin
  auto retire = [&](Pipeline& p, int slot, bool timed) {
    if (!p.in_flight[slot]) return;
    CUDA_CHECK(cudaEventSynchronize(p.downloaded[slot].get()));
    p.in_flight[slot] = false;
    if (!timed) return;
    latencies.push_back(Ms(Clock::now() - p.issued[slot]));
    float a = 0, b = 0;
    CUDA_CHECK(cudaEventElapsedTime(&a, origin.get(), p.compute_start[slot].get()));
    CUDA_CHECK(cudaEventElapsedTime(&b, origin.get(), p.computed[slot].get()));
    busy.emplace_back(a, b);
  };
  auto issue = [&](Pipeline& p, int slot) {
    const size_t in_bytes = in * sizeof(float);
    const size_t out_bytes = out * sizeof(float);
    p.issued[slot] = Clock::now();
    CUDA_CHECK(cudaStreamWaitEvent(p.upload.get(), p.computed[slot].get(), 0));
    CUDA_CHECK(cudaMemcpyAsync(p.device_input[slot]->data, p.input.data, in_bytes,
                               cudaMemcpyHostToDevice, p.upload.get()));
    CUDA_CHECK(cudaEventRecord(p.uploaded[slot].get(), p.upload.get()));
    CUDA_CHECK(cudaStreamWaitEvent(p.compute.get(), p.uploaded[slot].get(), 0));
    CUDA_CHECK(cudaStreamWaitEvent(p.compute.get(), p.downloaded[slot].get(), 0));
    CUDA_CHECK(cudaEventRecord(p.compute_start[slot].get(), p.compute.get()));
    p.context->Enqueue(shape, p.device_input[slot]->data, p.device_output[slot]->data,
                       p.compute.get());
    CUDA_CHECK(cudaEventRecord(p.computed[slot].get(), p.compute.get()));
    CUDA_CHECK(cudaStreamWaitEvent(p.download.get(), p.computed[slot].get(), 0));
    CUDA_CHECK(cudaMemcpyAsync(p.output[slot]->data, p.device_output[slot]->data, out_bytes,
                               cudaMemcpyDeviceToHost, p.download.get()));
    CUDA_CHECK(cudaEventRecord(p.downloaded[slot].get(), p.download.get()));
    p.in_flight[slot] = true;
  };
  // Warm-up: two batches per context, untimed.
  for (int i = 0; i < Pipeline::kSlots; ++i)
    for (auto& p : pipes) issue(*p, i);
  for (auto& p : pipes)
    for (int s = 0; s < Pipeline::kSlots; ++s) retire(*p, s, false);

  // One host thread drives all contexts round robin: each context keeps two batches in
  // flight; the host blocks only on the oldest batch of the context it serves next.
  const Clock::time_point start = Clock::now();
  const auto duration =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  long long i = 0;
  while (Clock::now() - start < duration) {
    for (auto& p : pipes) {
      const int slot = static_cast<int>(i % Pipeline::kSlots);
      retire(*p, slot, true);
      issue(*p, slot);
    }
    ++i;
  }
  for (auto& p : pipes)
    for (int s = 0; s < Pipeline::kSlots; ++s) retire(*p, s, true);
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();

  ThroughputResult r;
  r.backend = "cuda";
  r.batch = o.batch;
  r.contexts = o.contexts;
  Finish(r, latencies, wall);
  // Busy over the timed window: intervals from the first timed compute start.
  double first = 1e300, last = 0;
  for (auto [a, b] : busy) first = std::min(first, a), last = std::max(last, b);
  r.gpu_busy = busy.empty() ? 0 : UnionLength(busy) / std::max(last - first, 1e-9);
  return r;
}
#endif

}  // namespace

ThroughputResult MeasureThroughput(const Graph& graph, const WeightMap& weights,
                                   const ThroughputOptions& options) {
  if (options.contexts < 1) throw Error("--contexts must be >= 1");
  if (!(options.seconds > 0)) throw Error("--seconds must be > 0");
  std::string backend = options.engine.backend;
#ifdef INCEPT_HAVE_CUDA
  if (backend == "auto") backend = cuda::CudaBackend().Unavailable().empty() ? "cuda" : "host";
  if (backend == "cuda") return CudaThroughput(graph, weights, options);
#else
  if (backend == "cuda") throw Error("--backend cuda: this build has no CUDA backend");
#endif
  ThroughputOptions host = options;
  host.engine.backend = "host";
  return HostThroughput(graph, weights, host);
}

int RunThroughputBench(const std::string& model, const Graph& graph, const WeightMap& weights,
                       const EngineOptions& engine, const std::vector<int>& batches, int contexts,
                       double seconds, bool json) {
  std::vector<ThroughputResult> results;
  for (int batch : batches) {
    ThroughputOptions o;
    o.batch = batch;
    o.contexts = contexts;
    o.seconds = seconds;
    o.engine = engine;
    results.push_back(MeasureThroughput(graph, weights, o));
  }
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const ThroughputResult& r : results) {
      nlohmann::json j = {{"batch", r.batch},
                          {"backend", r.backend},
                          {"mode", "throughput"},
                          {"contexts", r.contexts},
                          {"batches", r.batches},
                          {"seconds", r.seconds},
                          {"images_per_second", r.images_per_second},
                          {"latency_ms", {{"p50", r.p50_ms}, {"p99", r.p99_ms}}}};
      j["gpu_busy"] = r.gpu_busy >= 0 ? nlohmann::json(r.gpu_busy) : nlohmann::json();
      list.push_back(j);
    }
    std::printf("%s\n", nlohmann::json{{"model", model}, {"results", list}}.dump(2).c_str());
    return 0;
  }
  std::printf("%-8s %6s %8s %8s %12s %10s %10s %9s\n", "backend", "batch", "contexts", "batches",
              "images/s", "p50 ms", "p99 ms", "GPU busy");
  for (const ThroughputResult& r : results) {
    char busy[16] = "n/a";
    if (r.gpu_busy >= 0) std::snprintf(busy, sizeof busy, "%.0f%%", 100 * r.gpu_busy);
    std::printf("%-8s %6d %8d %8lld %12.1f %10.2f %10.2f %9s\n", r.backend.c_str(), r.batch,
                r.contexts, r.batches, r.images_per_second, r.p50_ms, r.p99_ms, busy);
  }
  return 0;
}

}  // namespace incept::cli

// The Engine under concurrent callers, shared by the host and CUDA stress tests: a small
// Inception-style model (stem, a four-branch block with BatchNorm and a concat, global
// pooling, a classifier) that runs in microseconds, a set of inputs of mixed batch and
// spatial sizes, and a driver that runs them from many threads and counts every output
// that differs from the single-thread result.
#pragma once

#include <atomic>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "graph/error.h"
#include "graph/json_io.h"
#include "host/engine.h"
#include "host/random_weights.h"
#include "tests/host/host_run_util.h"

namespace incept::concurrency_test {

// x(N,3,H,W) -> stem 3x3 conv+BN+ReLU (8) -> block: 1x1 (4) | 1x1 (4) -> 3x3 (6) |
// maxpool 3x3/1 -> 1x1 (2); concat (12) -> adaptive avg pool 1x1 -> flatten -> linear (10)
// -> softmax. Any N, and any H, W >= 1 (every window is padded to keep the size).
inline std::string TinyInceptionJson() {
  auto conv = [](const std::string& name, const std::string& in, int cin, int cout, int k,
                 const std::string& act) {
    const std::string pad = std::to_string(k / 2);
    return R"({"name": ")" + name + R"(", "op": "Conv2d", "inputs": [")" + in +
           R"("], "attrs": {"in_channels": )" + std::to_string(cin) + R"(, "out_channels": )" +
           std::to_string(cout) + R"(, "kernel": [)" + std::to_string(k) + ", " +
           std::to_string(k) + R"(], "pad": [)" + pad + ", " + pad + ", " + pad + ", " + pad +
           R"(], "bias": true, "activation": ")" + act + R"("}, "params": {"weight": ")" + name +
           R"(.w", "bias": ")" + name + R"(.b"}},)";
  };
  return R"({"format": "incept-graph", "version": 1, "name": "tiny_inception", "nodes": [)"
         R"({"name": "x", "op": "Input", "attrs": {"shape": [1, 3, 12, 12]}},)" +
         conv("stem", "x", 3, 8, 3, "none") +
         R"({"name": "stem.bn", "op": "BatchNorm", "inputs": ["stem"], "attrs": {"eps": 0.001},)"
         R"( "params": {"weight": "stem.bn.g", "bias": "stem.bn.b", "running_mean": "stem.bn.m",)"
         R"( "running_var": "stem.bn.v"}},)"
         R"({"name": "stem.relu", "op": "ReLU", "inputs": ["stem.bn"]},)" +
         conv("b1", "stem.relu", 8, 4, 1, "relu") +
         conv("b2.reduce", "stem.relu", 8, 4, 1, "relu") +
         conv("b2", "b2.reduce", 4, 6, 3, "relu") +
         R"({"name": "b3.pool", "op": "MaxPool", "inputs": ["stem.relu"], "attrs": {"kernel": [3, 3],)"
         R"( "stride": [1, 1], "pad": [1, 1, 1, 1], "ceil_mode": true}},)" +
         conv("b3", "b3.pool", 8, 2, 1, "relu") +
         R"({"name": "block", "op": "Concat", "inputs": ["b1", "b2", "b3"]},)"
         R"({"name": "gap", "op": "AdaptiveAvgPool", "inputs": ["block"], "attrs": {"output_size": [1, 1]}},)"
         R"({"name": "flat", "op": "Flatten", "inputs": ["gap"]},)"
         R"({"name": "fc", "op": "Linear", "inputs": ["flat"], "attrs": {"in_features": 12,)"
         R"( "out_features": 10, "bias": true}, "params": {"weight": "fc.w", "bias": "fc.b"}},)"
         R"({"name": "prob", "op": "Softmax", "inputs": ["fc"]}],)"
         R"( "outputs": ["prob"]})";
}

// Inputs of every (batch, side) pair: mixed batch sizes and spatial sizes, so the callers
// contend for several shapes' plans and pools at once.
inline std::vector<Tensor> MixedInputs(const std::vector<int64_t>& batches,
                                       const std::vector<int64_t>& sides) {
  std::vector<Tensor> inputs;
  for (int64_t side : sides)
    for (int64_t batch : batches)
      inputs.push_back(testing::RandomInput({batch, 3, side, side}, 100 + inputs.size()));
  return inputs;
}

// Bitwise equality of two output lists (dims and every float's bytes; NaN never equal).
inline bool BitwiseEqual(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].dims != b[i].dims || a[i].data.size() != b[i].data.size()) return false;
    for (float v : a[i].data)
      if (v != v) return false;
    if (std::memcmp(a[i].data.data(), b[i].data.data(), a[i].data.size() * sizeof(float)) != 0)
      return false;
  }
  return true;
}

using RunFn = std::function<std::vector<Tensor>(const Tensor&)>;
using CheckFn =
    std::function<bool(const std::vector<Tensor>& got, const std::vector<Tensor>& want)>;

struct StressResult {
  int runs = 0, mismatches = 0, errors = 0;
  std::string first_error;
};

// `threads` threads each make `runs` calls, cycling through `inputs` from a different start
// (thread t, call r: input (t * 7 + r) % size); make_runner(t) gives thread t its way to run
// (Engine::Run, or its own EngineContext). Every output is checked against want[input].
inline StressResult Stress(int threads, int runs, const std::vector<Tensor>& inputs,
                           const std::vector<std::vector<Tensor>>& want,
                           const std::function<RunFn(int)>& make_runner, const CheckFn& check) {
  std::atomic<int> total{0}, mismatches{0}, errors{0};
  std::string first_error;
  std::atomic<bool> have_error{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      RunFn run = make_runner(t);
      for (int r = 0; r < runs; ++r) {
        const size_t i = static_cast<size_t>(t * 7 + r) % inputs.size();
        try {
          if (!check(run(inputs[i]), want[i])) ++mismatches;
        } catch (const std::exception& e) {
          if (!have_error.exchange(true)) first_error = e.what();
          ++errors;
        }
        ++total;
      }
    });
  for (std::thread& thread : pool) thread.join();
  return {total.load(), mismatches.load(), errors.load(), first_error};
}

}  // namespace incept::concurrency_test

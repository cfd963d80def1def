// Test helpers: run a graph on the host backend under a fresh plan, and compare tensors.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "graph/planner/memory_plan.h"
#include "graph/planner/schedule.h"
#include "graph/shape_inference.h"
#include "host/host_backend.h"

namespace incept::testing {

// Schedules `graph` on `streams` streams, plans its memory, checks the plan and runs it.
inline std::vector<Tensor> RunOnHost(const Graph& graph, const WeightMap& weights,
                                     const Tensor& input, int streams = 1, bool poison = true) {
  Plan plan = ScheduleStreams(graph, streams);
  PlanMemory(graph, plan);
  CheckNoOverlap(graph, plan);
  auto exe = MakeHostBackend()->Compile(graph, weights, plan);
  return exe->Run(input, RunOptions{poison});
}

inline Tensor RandomInput(std::vector<int64_t> dims, uint64_t seed = 7) {
  Tensor t(std::move(dims));
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& v : t.data) v = normal(rng);
  return t;
}

// ||a - b|| / ||b||; infinite if any value is NaN or the shapes differ.
inline double RelativeL2(const Tensor& a, const Tensor& b) {
  if (a.dims != b.dims) return INFINITY;
  double diff = 0, ref = 0;
  for (size_t i = 0; i < a.data.size(); ++i) {
    if (std::isnan(a.data[i]) || std::isnan(b.data[i])) return INFINITY;
    diff += (double(a.data[i]) - b.data[i]) * (double(a.data[i]) - b.data[i]);
    ref += double(b.data[i]) * b.data[i];
  }
  return std::sqrt(diff / (ref > 0 ? ref : 1));
}

}  // namespace incept::testing

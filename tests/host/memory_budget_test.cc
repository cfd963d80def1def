// Host memory checks: byte formatting, the budget check, and the host backend refusing an
// arena larger than the machine can give with an Error that says how much it needs.
#include "host/memory_budget.h"

#include <gtest/gtest.h>

#include <string>

#include "graph/error.h"
#include "graph/json_io.h"
#include "graph/planner/memory_plan.h"
#include "graph/planner/schedule.h"
#include "graph/shape_inference.h"
#include "host/host_backend.h"
#include "host/random_weights.h"

namespace incept {
namespace {

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

TEST(MemoryBudget, FormatsBytesInBinaryUnits) {
  EXPECT_EQ(FormatBytes(12), "12 bytes");
  EXPECT_EQ(FormatBytes(4096), "4.0 KiB");
  EXPECT_EQ(FormatBytes(int64_t{312} << 20), "312.0 MiB");
  EXPECT_EQ(FormatBytes(int64_t{50} * (int64_t{1} << 30) + (int64_t{1} << 28)), "50.2 GiB");
  EXPECT_EQ(FormatBytes(int64_t{3} << 40), "3.0 TiB");
}

TEST(MemoryBudget, AvailableMemoryIsKnownOnLinux) {
  const int64_t available = AvailableMemoryBytes();
  EXPECT_GT(available, int64_t{1} << 20);
}

TEST(MemoryBudget, RefusesMoreThanIsAvailableAndSaysHowMuch) {
  EXPECT_NO_THROW(RequireHostMemory("x", 1024, "of test data", "use less"));
  const int64_t petabyte = int64_t{1} << 50;
  try {
    RequireHostMemory("batch 100000", petabyte, "of activations (arena)", "use a smaller batch");
    ADD_FAILURE() << "a petabyte fitted";
  } catch (const Error& e) {
    EXPECT_HAS(e.what(), "batch 100000 needs 1024.0 TiB of activations (arena), ");
    EXPECT_HAS(e.what(), " available; use a smaller batch");
  }
}

TEST(MemoryBudget, HostBackendRefusesAnArenaTheMachineCannotHold) {
  Graph graph = LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json");
  InferShapes(graph, Shape{3, 3, 64, 64});
  const WeightMap weights = RandomWeights(graph, 1);
  Plan plan = ScheduleStreams(graph, 1);
  PlanMemory(graph, plan);
  plan.arena_bytes = int64_t{1} << 55;  // as if the batch were enormous
  try {
    MakeHostBackend()->Compile(graph, weights, plan);
    ADD_FAILURE() << "a 32 PiB arena was accepted";
  } catch (const Error& e) {
    EXPECT_HAS(e.what(), "host backend: batch 3 needs 32768.0 TiB of activations (arena), ");
    EXPECT_HAS(e.what(), "use a smaller batch");
  }
}

}  // namespace
}  // namespace incept

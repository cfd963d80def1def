// The host backend: executes a planned graph on the CPU, in one arena laid out exactly as
// the memory plan says, launching nodes in the plan's enqueue order. It is the oracle every
// other backend is checked against.
//
// Precision (the rounding mode, the oracle of the GPU's reduced precisions): a plan with
// per-value formats (fp16, bf16; graph/planner/precision_policy.h) runs on the same schedule
// with an fp32 memory plan of its own. The weights of the convs and the FC are rounded once
// to the storage type; every node computes in fp32 (double accumulation) and its output is
// rounded to the value's planned type, as the device stores it. tf32 runs as fp32 (its
// oracle is the fp32 host, within the tf32 bound).
//
// With RunOptions::poison, each buffer is filled with NaN the moment its value dies (after
// the launch of its last reader in the plan's order, graph outputs excepted): a memory plan
// that lets a buffer be overwritten while it is still needed shows up as NaNs downstream.
#pragma once

#include <memory>

#include "graph/backend.h"

namespace incept {

std::unique_ptr<Backend> MakeHostBackend();

// Registers "host" with the backend registry (idempotent); the engine calls it.
void RegisterHostBackend();

}  // namespace incept

// The host backend: executes a planned graph on the CPU, in one arena laid out exactly as
// the memory plan says, launching nodes in the plan's enqueue order. It is the oracle every
// other backend is checked against.
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

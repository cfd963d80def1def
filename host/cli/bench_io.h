// incept bench --io pageable,pinned,device (graph/io_binding.h): where a timed run's input
// comes from and its outputs go. pageable (the default) is what bench always timed,
// Engine::Run on host Tensors, so records without the option stay comparable; pinned and
// device run a binding (Engine::Bind) made once per batch size, outside the timing.
//
// The host backend takes only pageable: it has no device memory, so pinned and device
// would time the same host run under a GPU's label (a record saying "device" next to a
// GPU's device-to-device number would mislead). Asking for them there, also when
// --backend auto falls back to the host, is a one-line error naming the backend.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "graph/io_binding.h"
#include "host/engine.h"

namespace incept::cli {

// --io: a comma list of modes, each measured in turn; the default is {"pageable"}.
CLI::Option* AddIoOption(CLI::App& app, std::vector<std::string>& io);
// The modes in the order given, each once.
std::vector<IoMemory> ParseIoModes(const std::vector<std::string>& names);
// Throws Error when a mode needs device memory and `backend` ("host", "cuda") has none;
// `fallback_reason` says why "auto" chose the host, if it did.
void CheckIoModes(const std::vector<IoMemory>& modes, const std::string& backend,
                  const std::string& fallback_reason = "");

// One input, run repeatedly in one io mode on one engine. Not thread-safe.
class BenchRunner {
 public:
  BenchRunner(Engine& engine, IoMemory io, const Tensor& input);
  // One synchronised inference. `run` applies to pageable runs (RunOptions::run_us is
  // filled there only: a binding's run has no separate replay time).
  void Run(const RunOptions& run = {});

 private:
  Engine& engine_;
  const Tensor& input_;
  std::unique_ptr<IoBinding> bound_;  // pinned, device; null for pageable
};

}  // namespace incept::cli

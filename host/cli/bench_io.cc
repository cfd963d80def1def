#include "host/cli/bench_io.h"

#include <algorithm>

#include "graph/error.h"

namespace incept::cli {

CLI::Option* AddIoOption(CLI::App& app, std::vector<std::string>& io) {
  return app
      .add_option("--io", io,
                  "what a timed run includes, a comma list measured in turn: pageable (host to "
                  "host, pageable memory; the default), pinned (host to host, pinned memory), "
                  "device (device to device: input and outputs stay on the GPU)")
      ->delimiter(',')
      ->check(
          [](const std::string& name) {
            try {
              ParseIoMemory(name);
              return std::string();
            } catch (const Error& e) {
              return std::string(e.what());
            }
          },
          "IO");
}

std::vector<IoMemory> ParseIoModes(const std::vector<std::string>& names) {
  std::vector<IoMemory> modes;
  for (const std::string& name : names) {
    IoMemory mode = ParseIoMemory(name);
    if (std::find(modes.begin(), modes.end(), mode) == modes.end()) modes.push_back(mode);
  }
  if (modes.empty()) modes.push_back(IoMemory::kPageable);
  return modes;
}

void CheckIoModes(const std::vector<IoMemory>& modes, const std::string& backend,
                  const std::string& fallback_reason) {
  if (backend != "host") return;
  for (IoMemory mode : modes)
    if (NeedsDeviceMemory(mode))
      throw Error(std::string("--io ") + IoMemoryName(mode) +
                  ": the host backend has no device memory (" +
                  (fallback_reason.empty() ? "" : "auto chose it: " + fallback_reason + "; ") +
                  "use --io pageable, or --backend cuda on a GPU)");
}

BenchRunner::BenchRunner(Engine& engine, IoMemory io, const Tensor& input)
    : engine_(engine), input_(input) {
  if (io != IoMemory::kPageable) bound_ = engine.Bind(io, input);
}

void BenchRunner::Run(const RunOptions& run) {
  if (bound_)
    bound_->Run();
  else
    engine_.Run(input_, run);
}

}  // namespace incept::cli

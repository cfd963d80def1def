// incept: the command-line interface. `incept COMMAND --help` for each command.
#include <cstdio>
#include <exception>

#include "host/cli/command.h"

namespace incept::cli {

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"info", "layers, shapes, parameters and multiply-adds of a model", RunInfo},
      {"run", "run a model on images or an .npy batch, print the top classes", RunRun},
      {"plan", "fusions, stream schedule and memory plan of a model", RunPlan},
      {"bench", "throughput and latency per batch size", RunBench},
      {"profile", "per-node times and a Chrome trace of the streams", RunProfile},
      {"build", "write an engine file: plans and tactics per batch, weights", RunBuild},
      {"convert", "an ONNX model as a model JSON and safetensors weights", RunConvert},
  };
  return commands;
}

namespace {

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: incept COMMAND [ARGS...]\n\n"
               "An inference engine for GoogLeNet and the Inception family.\n\ncommands:\n");
  for (const Command& c : Commands()) std::fprintf(out, "  %-8s %s\n", c.name, c.summary);
  std::fprintf(out, "\n`incept COMMAND --help` describes each command.\n");
}

}  // namespace
}  // namespace incept::cli

int main(int argc, char** argv) {
  using namespace incept::cli;
  if (argc < 2) {
    PrintUsage(stderr);
    return 1;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(stdout);
    return 0;
  }
  for (const Command& c : Commands()) {
    if (name != c.name) continue;
    try {
      return c.run(Args(argv + 2, argv + argc));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "incept %s: error: %s\n", c.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "incept: unknown command \"%s\" (see incept --help)\n", name.c_str());
  return 1;
}

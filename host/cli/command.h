// The CLI's commands: each is a function taking its arguments (after the command name) and
// returning the process exit code. Errors are thrown as incept::Error; main() prints them
// in one line and exits 1.
#pragma once

#include <string>
#include <vector>

namespace incept::cli {

using Args = std::vector<std::string>;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Args& args);
};

int RunInfo(const Args& args);
int RunRun(const Args& args);
int RunPlan(const Args& args);
int RunBench(const Args& args);
int RunProfile(const Args& args);
int RunBuild(const Args& args);
int RunConvert(const Args& args);

const std::vector<Command>& Commands();

}  // namespace incept::cli

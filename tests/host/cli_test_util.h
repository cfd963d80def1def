// Runs the incept CLI as a user would and captures its exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace incept::testing {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `args` is passed through the shell as written.
inline CliResult RunCli(const std::string& args) {
  static int counter = 0;
  const std::string base =
      ::testing::TempDir() + "cli_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  const std::string command =
      std::string(INCEPT_CLI_PATH) + " " + args + " >" + base + ".out 2>" + base + ".err";
  int status = std::system(command.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(base + ".out");
  r.err = Slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

inline int CountLines(const std::string& s) {
  int lines = 0;
  for (char c : s) lines += c == '\n';
  return lines;
}

}  // namespace incept::testing

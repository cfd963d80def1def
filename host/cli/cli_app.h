// Helpers shared by the CLI commands: parsing with CLI11 (help on --help, a one-line error
// otherwise) and number formatting.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "host/cli/command.h"

namespace incept::cli {

// Parses `args` into `app`. Returns -1 when parsing succeeded and the command should run,
// otherwise the exit code to return (0 after --help, 1 after a usage error, reported in
// one line on stderr).
int Parse(CLI::App& app, const Args& args);

// 6624904 -> "6,624,904".
std::string WithCommas(int64_t value);

}  // namespace incept::cli

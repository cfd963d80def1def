// --precision for run, bench, plan and profile: fp32, tf32, fp16 or bf16 (graph/element_type.h);
// any other name is a usage error listing the valid ones.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "graph/element_type.h"
#include "graph/error.h"

namespace incept::cli {

inline CLI::Option* AddPrecisionOption(CLI::App& app, std::string& precision) {
  return app
      .add_option("--precision", precision,
                  "fp32 (exact), tf32 (tensor-op math on fp32 data), fp16 or bf16 (convs and FC "
                  "on tensor cores, fp32 accumulation; host: rounds like the device)")
      ->check(
          [](const std::string& name) {
            try {
              ParsePrecision(name);
              return std::string();
            } catch (const Error& e) {
              return std::string(e.what());
            }
          },
          "PRECISION");
}

}  // namespace incept::cli

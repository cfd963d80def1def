// The C API test's reference: the C++ engine on the host backend, with the same seeded
// random weights, run on a raw float32 input.
//
//   capi_reference MODEL.json SEED N C H W INPUT.f32 OUTPUT.f32
//
// INPUT.f32 holds N*C*H*W floats; OUTPUT.f32 receives every output, back to back.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>

#include "graph/error.h"
#include "graph/json_io.h"
#include "host/engine.h"
#include "host/random_weights.h"

int main(int argc, char** argv) {
  if (argc != 9) {
    std::fprintf(stderr, "usage: capi_reference MODEL SEED N C H W INPUT.f32 OUTPUT.f32\n");
    return 2;
  }
  try {
    incept::Graph graph = incept::LoadGraph(argv[1]);
    incept::WeightMap weights = incept::RandomWeights(graph, std::strtoull(argv[2], nullptr, 10));
    incept::EngineOptions options;
    options.backend = "host";
    incept::Engine engine(std::move(graph), std::move(weights), options);
    incept::Tensor input(
        {std::atoll(argv[3]), std::atoll(argv[4]), std::atoll(argv[5]), std::atoll(argv[6])});
    std::ifstream in(argv[7], std::ios::binary);
    in.read(reinterpret_cast<char*>(input.data.data()),
            static_cast<std::streamsize>(sizeof(float) * input.data.size()));
    if (!in) throw incept::Error(std::string("cannot read ") + argv[7]);
    std::ofstream out(argv[8], std::ios::binary);
    for (const incept::Tensor& t : engine.Run(input))
      out.write(reinterpret_cast<const char*>(t.data.data()),
                static_cast<std::streamsize>(sizeof(float) * t.data.size()));
    if (!out) throw incept::Error(std::string("cannot write ") + argv[8]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capi_reference: %s\n", e.what());
    return 1;
  }
  return 0;
}

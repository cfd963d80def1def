// generate_model_zoo DIR: writes DIR/googlenet.json and DIR/googlenet_torchvision.json from
// the builders (model_zoo/googlenet.cc).
#include <cstdio>
#include <exception>

#include "graph/json_io.h"
#include "model_zoo/googlenet.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: generate_model_zoo DIR\n");
    return 1;
  }
  try {
    const std::string dir = argv[1];
    incept::SaveGraph(incept::zoo::BuildGoogLeNetCaffe(), dir + "/googlenet.json");
    incept::SaveGraph(incept::zoo::BuildGoogLeNetTorchvision(),
                      dir + "/googlenet_torchvision.json");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "generate_model_zoo: %s\n", e.what());
    return 1;
  }
  return 0;
}

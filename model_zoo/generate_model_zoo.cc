// generate_model_zoo DIR: writes DIR/googlenet.json, DIR/googlenet_torchvision.json and
// DIR/inception_v3_torchvision.json from the builders (model_zoo/googlenet.cc,
// model_zoo/inception_v3.cc).
#include <cstdio>
#include <exception>

#include "graph/json_io.h"
#include "model_zoo/googlenet.h"
#include "model_zoo/inception_v3.h"

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
    incept::SaveGraph(incept::zoo::BuildInceptionV3Torchvision(),
                      dir + "/inception_v3_torchvision.json");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "generate_model_zoo: %s\n", e.what());
    return 1;
  }
  return 0;
}

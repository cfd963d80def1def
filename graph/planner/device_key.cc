#include "graph/planner/device_key.h"

namespace incept {
namespace {

std::string DeviceWithSm(const DeviceKey& key) {
  return key.device + (key.sm.empty() ? "" : " (" + key.sm + ")");
}

}  // namespace

std::string DeviceKeyString(const DeviceKey& key) {
  std::string out = key.backend;
  if (!key.device.empty()) out += " " + DeviceWithSm(key);
  if (!key.driver.empty()) out += ", driver " + key.driver;
  if (!key.cuda.empty()) out += ", CUDA " + key.cuda;
  if (!key.cudnn.empty()) out += ", cuDNN " + key.cudnn;
  if (!key.cublas.empty()) out += ", cuBLAS " + key.cublas;
  return out;
}

std::string DeviceKeyMismatch(const DeviceKey& built, const DeviceKey& here) {
  auto shown = [](const std::string& v) { return v.empty() ? std::string("none") : v; };
  std::string out;
  auto add = [&](const char* what, const std::string& a, const std::string& b) {
    if (a == b) return;
    out += (out.empty() ? "" : "; ") + std::string(what) + " " + shown(a) + " vs " + shown(b);
  };
  add("backend", built.backend, here.backend);
  if (built.device != here.device || built.sm != here.sm)
    add("device", DeviceWithSm(built), DeviceWithSm(here));
  add("driver", built.driver, here.driver);
  add("CUDA", built.cuda, here.cuda);
  add("cuDNN", built.cudnn, here.cudnn);
  add("cuBLAS", built.cublas, here.cublas);
  return out;
}

}  // namespace incept

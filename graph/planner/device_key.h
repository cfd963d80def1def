// DeviceKey: what a tactic choice or an engine file depends on besides the graph: the
// backend, the device and the driver and library versions. Empty strings for what a
// backend does not have (the host backend has only its name). Element type and layout
// are per layer (the layer signature, timing_cache.h), not here.
#pragma once

#include <string>

namespace incept {

struct DeviceKey {
  std::string backend;  // "host", "cuda"
  std::string device;   // "NVIDIA H200"
  std::string sm;       // "sm_90"
  std::string driver;   // CUDA driver version, "13.0"
  std::string cuda;     // CUDA runtime version, "13.0"
  std::string cudnn;    // "9.19.0"
  std::string cublas;   // "13.1.0"
  bool operator==(const DeviceKey& o) const {
    return backend == o.backend && device == o.device && sm == o.sm && driver == o.driver &&
           cuda == o.cuda && cudnn == o.cudnn && cublas == o.cublas;
  }
  bool operator!=(const DeviceKey& o) const { return !(*this == o); }
};

// One line naming it: "cuda NVIDIA H200 (sm_90), driver 13.0, CUDA 13.0, cuDNN 9.19.0,
// cuBLAS 13.1.0"; "host" for the host backend.
std::string DeviceKeyString(const DeviceKey& key);

// "" if `built` == `here`, else what differs, every field, built first:
//   "backend cuda vs host"; "device NVIDIA H100 (sm_90) vs NVIDIA H200 (sm_90)";
//   "cuDNN 9.19.0 vs 9.10.1".
std::string DeviceKeyMismatch(const DeviceKey& built, const DeviceKey& here);

}  // namespace incept

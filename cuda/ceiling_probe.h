// The GPU's roofline ceilings, measured on the current device (DeviceCeilings):
//   FLOP/s  cuBLAS SGEMM, fp32 without TF32 (the engine's fp32 path), n = 4096:
//           2 n^3 / time
//   bytes/s a device-to-device cudaMemcpy of 512 MiB: 2 x size / time (each byte is read
//           and written)
// Each is the best of a few runs timed by CUDA events after one untimed run. About 0.2 s
// on an H200. Throws incept::Error (the failing call) if the device cannot run them.
#pragma once

#include "graph/backend.h"

namespace incept {
namespace cuda {

DeviceCeilings MeasureDeviceCeilings();

}  // namespace cuda
}  // namespace incept

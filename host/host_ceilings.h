// The host's roofline ceilings, measured: FLOP/s of our own SGEMM (host/kernels/gemm.h) on
// a square problem, and bytes/s of a large memcpy (a copy reads and writes each byte, so its
// traffic is 2 x size). Takes a few hundred milliseconds.
#pragma once

#include "graph/backend.h"

namespace incept {

DeviceCeilings MeasureHostCeilings();

}  // namespace incept

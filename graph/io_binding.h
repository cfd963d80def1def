// Where an inference's input comes from and its outputs go, and a run bound to such
// buffers (ONNX Runtime's IoBinding): what `incept bench --io` times.
//
//   pageable  host to host, ordinary (pageable) host memory: Executable::Run on a Tensor,
//             the outputs returned as new Tensors. On a GPU the copies are staged by the
//             driver through its own pinned buffers.
//   pinned    host to host, page-locked host memory: the copies go straight between the
//             caller's buffers and the device (DMA), nothing allocated per run.
//   device    device to device: the input already in device memory, the outputs left in
//             device memory; no host copy at all (CudaContext::Enqueue + a stream sync).
//
// A binding copies the input into its buffers once, when it is made; each Run() is one
// synchronised inference from those buffers into its output buffers, allocating nothing.
// Threads: a binding is for one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace incept {

enum class IoMemory { kPageable, kPinned, kDevice };

const char* IoMemoryName(IoMemory memory);  // "pageable", "pinned", "device"
// What the mode times, in a few words ("host to host, pinned host memory").
const char* IoMemoryDescription(IoMemory memory);
// "pageable", "pinned" or "device"; anything else throws Error naming the valid names.
IoMemory ParseIoMemory(const std::string& name);
std::string IoMemoryNames();  // "pageable, pinned, device"
// Whether the mode needs a backend with device memory (pinned, device).
bool NeedsDeviceMemory(IoMemory memory);

class IoBinding {
 public:
  virtual ~IoBinding() = default;
  virtual IoMemory memory() const = 0;
  // One inference from the bound input to the bound outputs, synchronised: the outputs
  // are complete in their buffers when it returns. Throws Error on failure.
  virtual void Run() = 0;
  // The graph outputs of the last Run, as Executable::Run returns them (copied out of the
  // bound buffers; not meant to be timed).
  virtual std::vector<Tensor> Outputs() const = 0;
};

class Executable;  // graph/backend.h

// The pageable binding any executable has: Run(input) on a kept copy of `input`, the
// outputs kept from the last run. It uses `executable`, which must outlive it.
std::unique_ptr<IoBinding> BindPageable(Executable& executable, const Tensor& input);

}  // namespace incept

// CudaContext's host-memory enqueue and its io bindings (graph/io_binding.h): what
// `incept bench --io pinned|device` times.
//
//   pinned  PinnedBuffer in -> EnqueueHost (copy into the arena, replay, copy the outputs
//           out) -> PinnedBuffer out, then a stream sync: Run's path without its Tensors,
//           with copies the device does by DMA.
//   device  device buffer in -> Enqueue (device copy into the arena, replay, device copy
//           out) -> device buffer out, then a stream sync: no host copy at all.
#include <algorithm>
#include <memory>
#include <string>

#include "cuda/check.h"
#include "cuda/cuda_context.h"
#include "cuda/device_arena.h"
#include "cuda/pinned_buffer.h"
#include "cuda/stream.h"
#include "graph/error.h"

namespace incept {
namespace cuda {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw Error("cuda backend: " + what); }

// `all`: the outputs back to back, as Enqueue writes them; one Tensor per output shape.
std::vector<Tensor> SplitOutputs(const float* all, const std::vector<Shape>& shapes) {
  std::vector<Tensor> outputs;
  for (const Shape& shape : shapes) {
    Tensor t(shape.dims());
    std::copy(all, all + shape.elements(), t.data.begin());
    all += shape.elements();
    outputs.push_back(std::move(t));
  }
  return outputs;
}

size_t Bytes(int64_t floats) { return static_cast<size_t>(floats) * sizeof(float); }

class PinnedBinding : public IoBinding {
 public:
  PinnedBinding(CudaContext& context, const Tensor& input)
      : context_(context),
        input_(Bytes(context.input_shape().elements())),
        output_(Bytes(context.output_elements())) {
    std::copy(input.data.begin(), input.data.end(), input_.floats());
  }
  IoMemory memory() const override { return IoMemory::kPinned; }
  void Run() override {
    context_.EnqueueHost(input_.floats(), output_.floats(), stream_.get());
    stream_.Synchronize();
  }
  std::vector<Tensor> Outputs() const override {
    return SplitOutputs(output_.floats(), context_.output_shapes());
  }

 private:
  CudaContext& context_;
  Stream stream_;
  PinnedBuffer input_, output_;
};

class DeviceBinding : public IoBinding {
 public:
  DeviceBinding(CudaContext& context, const Tensor& input)
      : context_(context),
        input_(Bytes(context.input_shape().elements())),
        output_(Bytes(context.output_elements())) {
    CUDA_CHECK(cudaMemcpy(input_.base(), input.data.data(), input_.size(), cudaMemcpyHostToDevice));
  }
  IoMemory memory() const override { return IoMemory::kDevice; }
  void Run() override {
    context_.Enqueue(Input(), Output(), stream_.get());
    stream_.Synchronize();
  }
  std::vector<Tensor> Outputs() const override {
    std::vector<float> all(static_cast<size_t>(context_.output_elements()));
    CUDA_CHECK(cudaMemcpy(all.data(), Output(), output_.size(), cudaMemcpyDeviceToHost));
    return SplitOutputs(all.data(), context_.output_shapes());
  }

 private:
  const float* Input() const { return input_.As<float>(0, input_.size() / sizeof(float)); }
  float* Output() const { return output_.As<float>(0, output_.size() / sizeof(float)); }

  CudaContext& context_;
  Stream stream_;
  DeviceArena input_, output_;
};

}  // namespace

void CudaContext::EnqueueHost(const float* host_input, float* host_output,
                              cudaStream_t caller_stream) {
  if (!host_input || !host_output) Fail("EnqueueHost: null input or output");
  CUDA_CHECK(cudaSetDevice(device_));
  CUDA_CHECK(cudaMemcpyAsync(Ref(input_node_).data, host_input, Bytes(input_shape().elements()),
                             cudaMemcpyHostToDevice, caller_stream));
  Replay(caller_stream);
  CopyOutputs(host_output, cudaMemcpyDeviceToHost, caller_stream);
}

std::unique_ptr<IoBinding> CudaContext::BindIo(IoMemory memory, const Tensor& input) {
  const Shape& s = input_shape();
  if (input.dims != std::vector<int64_t>{s.n, s.c, s.h, s.w})
    Fail("input has shape " + input.dims_str() + ", the plan was built for " + s.str());
  CUDA_CHECK(cudaSetDevice(device_));  // the binding's stream and buffers live there
  switch (memory) {
    case IoMemory::kPageable:
      return BindPageable(*this, input);
    case IoMemory::kPinned:
      return std::make_unique<PinnedBinding>(*this, input);
    case IoMemory::kDevice:
      return std::make_unique<DeviceBinding>(*this, input);
  }
  Fail("unknown io memory");
}

}  // namespace cuda
}  // namespace incept

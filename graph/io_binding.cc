#include "graph/io_binding.h"

#include "graph/backend.h"
#include "graph/error.h"

namespace incept {
namespace {

struct IoMemoryInfo {
  IoMemory memory;
  const char* name;
  const char* description;
  bool needs_device_memory;
};

constexpr IoMemoryInfo kIoMemories[] = {
    {IoMemory::kPageable, "pageable", "host to host, pageable host memory", false},
    {IoMemory::kPinned, "pinned", "host to host, pinned (page-locked) host memory", true},
    {IoMemory::kDevice, "device", "device to device, input and outputs in device memory", true},
};

const IoMemoryInfo& Info(IoMemory memory) {
  for (const IoMemoryInfo& info : kIoMemories)
    if (info.memory == memory) return info;
  throw Error("unknown IoMemory " + std::to_string(static_cast<int>(memory)));
}

class PageableBinding : public IoBinding {
 public:
  PageableBinding(Executable& executable, const Tensor& input)
      : executable_(executable), input_(input) {}
  IoMemory memory() const override { return IoMemory::kPageable; }
  void Run() override { outputs_ = executable_.Run(input_, {}); }
  std::vector<Tensor> Outputs() const override { return outputs_; }

 private:
  Executable& executable_;
  const Tensor input_;
  std::vector<Tensor> outputs_;
};

}  // namespace

const char* IoMemoryName(IoMemory memory) { return Info(memory).name; }
const char* IoMemoryDescription(IoMemory memory) { return Info(memory).description; }
bool NeedsDeviceMemory(IoMemory memory) { return Info(memory).needs_device_memory; }

IoMemory ParseIoMemory(const std::string& name) {
  for (const IoMemoryInfo& info : kIoMemories)
    if (name == info.name) return info.memory;
  throw Error("unknown io mode \"" + name + "\" (valid: " + IoMemoryNames() + ")");
}

std::string IoMemoryNames() {
  std::string names;
  for (const IoMemoryInfo& info : kIoMemories)
    names += (names.empty() ? "" : ", ") + std::string(info.name);
  return names;
}

std::unique_ptr<IoBinding> BindPageable(Executable& executable, const Tensor& input) {
  return std::make_unique<PageableBinding>(executable, input);
}

// Executable's default (graph/backend.h): host memory only.
std::unique_ptr<IoBinding> Executable::BindIo(IoMemory memory, const Tensor& input) {
  if (NeedsDeviceMemory(memory))
    throw Error(std::string("io mode \"") + IoMemoryName(memory) +
                "\" needs a backend with device memory; this one runs in host memory (use "
                "\"pageable\")");
  return BindPageable(*this, input);
}

}  // namespace incept

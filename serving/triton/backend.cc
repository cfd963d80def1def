// libtriton_incept.so: Triton Inference Server's backend for incept models, over the C API
// (incept.h).
//
//   model      one incept engine per (instance kind, device): KIND_CPU instances share a
//              host engine, KIND_GPU instances on device d share a CUDA engine on d. The
//              host engine is also built at model load to check (or complete) the
//              configuration's inputs and outputs against the model.
//   instance   one incept context (its own arena; its own streams on a GPU); Triton never
//              runs one instance's Execute concurrently, so a context serves one thread.
//   execute    the valid requests of one call, grouped by image shape, are gathered into
//              one batch (request i's images at rows [offset_i, offset_i + n_i)), run once
//              and scattered back: each output holds rows of n_i images. A request that
//              cannot run (missing input, type, shape, batch above the maximum, a buffer
//              in GPU memory) gets its own error response; the others still run.
//
// Statistics: per request (success or not) and per executed batch, with Triton's four
// timestamps (execution start, compute start and end, execution end).
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "incept.h"
#include "serving/triton/model_config.h"
#include "serving/triton/triton_api.h"

namespace incept::triton {
namespace {

uint64_t NowNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

void Log(TRITONSERVER_LogLevel level, const std::string& message) {
  if (TRITONSERVER_Error* e = TRITONSERVER_LogMessage(level, __FILE__, __LINE__, message.c_str()))
    TRITONSERVER_ErrorDelete(e);
}

// Failure inside the backend: a Triton error code and a message.
struct BackendError : std::runtime_error {
  BackendError(TRITONSERVER_Error_Code c, const std::string& what)
      : std::runtime_error(what), code(c) {}
  TRITONSERVER_Error_Code code;
};

// Throws a Triton error as BackendError (taking over and deleting it).
void Check(TRITONSERVER_Error* error, const char* call) {
  if (error == nullptr) return;
  std::string message = std::string(call) + ": " + TRITONSERVER_ErrorMessage(error);
  TRITONSERVER_ErrorDelete(error);
  throw BackendError(TRITONSERVER_ERROR_INTERNAL, message);
}

// Throws an incept status as BackendError.
void CheckIncept(incept_status status, const char* /*call*/) {
  if (status == INCEPT_OK) return;
  const bool bad_input = status == INCEPT_ERROR_SHAPE || status == INCEPT_ERROR_INVALID_ARGUMENT;
  throw BackendError(bad_input ? TRITONSERVER_ERROR_INVALID_ARG : TRITONSERVER_ERROR_INTERNAL,
                     incept_last_error_message());  // names the incept call already
}

// Runs `body`; what escapes becomes the Triton error returned by an entry point.
template <class Body>
TRITONSERVER_Error* Guard(Body&& body) {
  try {
    body();
    return nullptr;
  } catch (const BackendError& e) {
    return TRITONSERVER_ErrorNew(e.code, e.what());
  } catch (const std::exception& e) {
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG, e.what());
  }
}

incept_precision Precision(const std::string& name) {
  static const std::map<std::string, incept_precision> table = {{"fp32", INCEPT_PRECISION_FP32},
                                                                {"tf32", INCEPT_PRECISION_TF32},
                                                                {"fp16", INCEPT_PRECISION_FP16},
                                                                {"bf16", INCEPT_PRECISION_BF16}};
  auto it = table.find(name);
  if (it == table.end())
    throw BackendError(TRITONSERVER_ERROR_INVALID_ARG,
                       "parameters.precision \"" + name + "\": expected fp32, tf32, fp16 or bf16");
  return it->second;
}

struct EngineDeleter {
  void operator()(incept_engine* e) const { incept_engine_destroy(e); }
};
struct ContextDeleter {
  void operator()(incept_context* c) const { incept_context_destroy(c); }
};
using EnginePtr = std::unique_ptr<incept_engine, EngineDeleter>;
using ContextPtr = std::unique_ptr<incept_context, ContextDeleter>;

int64_t Product(const std::vector<int64_t>& dims) {
  int64_t p = 1;
  for (int64_t d : dims) p *= d;
  return p;
}

// A model: its settings, its engines by (kind, device) and its signature.
class ModelState {
 public:
  explicit ModelState(TRITONBACKEND_Model* model) {
    const char* name = nullptr;
    Check(TRITONBACKEND_ModelName(model, &name), "TRITONBACKEND_ModelName");
    name_ = name;
    uint64_t version = 0;
    Check(TRITONBACKEND_ModelVersion(model, &version), "TRITONBACKEND_ModelVersion");
    TRITONBACKEND_ArtifactType type;
    const char* location = nullptr;
    Check(TRITONBACKEND_ModelRepository(model, &type, &location), "TRITONBACKEND_ModelRepository");
    const std::string model_dir = location;

    std::string config = ConfigJson(model);
    settings_ = ReadModelSettings(config, model_dir, model_dir + "/" + std::to_string(version));
    signature_ = Signature(Engine(TRITONSERVER_INSTANCEGROUPKIND_CPU, 0));
    std::string completed = CompleteModelConfig(config, settings_, signature_);
    if (!completed.empty()) {
      TRITONSERVER_Message* message = nullptr;
      Check(TRITONSERVER_MessageNewFromSerializedJson(&message, completed.data(), completed.size()),
            "TRITONSERVER_MessageNewFromSerializedJson");
      TRITONSERVER_Error* set = TRITONBACKEND_ModelSetConfig(model, 1, message);
      TRITONSERVER_MessageDelete(message);
      Check(set, "TRITONBACKEND_ModelSetConfig");
      Log(TRITONSERVER_LOG_INFO,
          "incept: model \"" + name_ + "\": inputs and outputs completed from the model");
    }
  }

  // The engine for instances of `kind` on `device` (built on first use). Thread-safe.
  incept_engine* Engine(TRITONSERVER_InstanceGroupKind kind, int32_t device) {
    const bool gpu = kind == TRITONSERVER_INSTANCEGROUPKIND_GPU;
    const auto key = std::make_tuple(gpu, gpu ? device : 0);
    std::lock_guard<std::mutex> lock(mutex_);
    EnginePtr& engine = engines_[key];
    if (engine) return engine.get();
    incept_engine_options options;
    incept_engine_options_init(&options);
    options.backend = gpu ? INCEPT_BACKEND_CUDA
                          : (kind == TRITONSERVER_INSTANCEGROUPKIND_CPU ? INCEPT_BACKEND_HOST
                                                                        : INCEPT_BACKEND_AUTO);
    options.device_id = gpu ? device : 0;
    options.precision = Precision(settings_.precision);
    options.streams = settings_.streams;
    options.seed = settings_.seed;
    if (settings_.weights_path.empty())
      Log(TRITONSERVER_LOG_WARN, "incept: model \"" + name_ +
                                     "\" has no weights parameter: seeded random weights "
                                     "(benchmarks, not predictions)");
    incept_engine* created = nullptr;
    CheckIncept(incept_engine_create(
                    settings_.model_path.c_str(),
                    settings_.weights_path.empty() ? nullptr : settings_.weights_path.c_str(),
                    &options, &created),
                "incept_engine_create");
    engine.reset(created);
    return created;
  }

  const std::string& name() const { return name_; }
  const ModelSettings& settings() const { return settings_; }
  const ModelSignature& signature() const { return signature_; }

 private:
  static std::string ConfigJson(TRITONBACKEND_Model* model) {
    TRITONSERVER_Message* message = nullptr;
    Check(TRITONBACKEND_ModelConfig(model, 1, &message), "TRITONBACKEND_ModelConfig");
    const char* base = nullptr;
    size_t size = 0;
    TRITONSERVER_Error* e = TRITONSERVER_MessageSerializeToJson(message, &base, &size);
    std::string json = e == nullptr ? std::string(base, size) : "";
    TRITONSERVER_MessageDelete(message);
    Check(e, "TRITONSERVER_MessageSerializeToJson");
    return json;
  }

  // Names and per-image dims, from the engine (the default input shape at batch 1).
  static ModelSignature Signature(incept_engine* engine) {
    ModelSignature s;
    const char* name = nullptr;
    CheckIncept(incept_engine_input_name(engine, &name), "incept_engine_input_name");
    s.input.name = name;
    int64_t dims[INCEPT_MAX_RANK];
    int32_t rank = 0, count = 0;
    CheckIncept(incept_engine_input_shape(engine, dims, &rank), "incept_engine_input_shape");
    s.input.dims.assign(dims + 1, dims + rank);
    std::vector<int64_t> input(dims, dims + rank);
    CheckIncept(incept_engine_output_count(engine, &count), "incept_engine_output_count");
    for (int32_t i = 0; i < count; ++i) {
      TensorSpec out;
      CheckIncept(incept_engine_output_name(engine, i, &name), "incept_engine_output_name");
      out.name = name;
      CheckIncept(incept_engine_output_shape(engine, input.data(), rank, i, dims, &rank),
                  "incept_engine_output_shape");
      out.dims.assign(dims + 1, dims + rank);
      s.outputs.push_back(out);
      rank = static_cast<int32_t>(input.size());
    }
    return s;
  }

  std::string name_;
  ModelSettings settings_;
  ModelSignature signature_;
  std::mutex mutex_;
  std::map<std::tuple<bool, int32_t>, EnginePtr> engines_;
};

// One request's part of a batch.
struct Slot {
  TRITONBACKEND_Request* request = nullptr;
  TRITONBACKEND_Response* response = nullptr;
  std::string error;  // non-empty: answered with this error, not run
  TRITONSERVER_Error_Code error_code = TRITONSERVER_ERROR_INVALID_ARG;
  TRITONBACKEND_Input* input = nullptr;
  uint32_t buffer_count = 0;
  std::vector<int64_t> image_dims;  // (C, H, W)
  int64_t batch = 0, row = 0;       // its images and their first row in the group's batch
  uint64_t compute_start = 0, compute_end = 0;  // its group's run (ns)
};

class InstanceState {
 public:
  InstanceState(TRITONBACKEND_ModelInstance* instance, ModelState& model)
      : instance_(instance), model_(model) {
    const char* name = nullptr;
    Check(TRITONBACKEND_ModelInstanceName(instance, &name), "TRITONBACKEND_ModelInstanceName");
    name_ = name;
    TRITONSERVER_InstanceGroupKind kind;
    int32_t device = 0;
    Check(TRITONBACKEND_ModelInstanceKind(instance, &kind), "TRITONBACKEND_ModelInstanceKind");
    Check(TRITONBACKEND_ModelInstanceDeviceId(instance, &device),
          "TRITONBACKEND_ModelInstanceDeviceId");
    engine_ = model.Engine(kind, device);
    incept_context* context = nullptr;
    CheckIncept(incept_context_create(engine_, &context), "incept_context_create");
    context_.reset(context);
    const char* backend = nullptr;
    incept_engine_backend(engine_, &backend);
    Log(TRITONSERVER_LOG_INFO,
        "incept: instance \"" + name_ + "\" on the " + backend + " backend" +
            (kind == TRITONSERVER_INSTANCEGROUPKIND_GPU ? ", device " + std::to_string(device)
                                                        : std::string()));
  }

  void Execute(TRITONBACKEND_Request** requests, uint32_t count) {
    const uint64_t exec_start = NowNs();
    std::vector<Slot> slots(count);
    for (uint32_t i = 0; i < count; ++i) {
      slots[i].request = requests[i];
      if (TRITONSERVER_Error* e = TRITONBACKEND_ResponseNew(&slots[i].response, requests[i])) {
        slots[i].response = nullptr;  // nothing can be sent; the request is still released
        TRITONSERVER_ErrorDelete(e);
      }
      Validate(slots[i]);
    }
    // Groups of requests with the same image shape, each run as one batch.
    std::map<std::vector<int64_t>, std::vector<Slot*>> groups;
    for (Slot& s : slots)
      if (s.error.empty()) groups[s.image_dims].push_back(&s);
    for (auto& [image_dims, members] : groups) RunGroup(image_dims, members, exec_start);
    // Statistics first, so that a client holding its response also sees them counted.
    const uint64_t exec_end = NowNs();
    for (Slot& s : slots) {
      if (TRITONSERVER_Error* e = TRITONBACKEND_ModelInstanceReportStatistics(
              instance_, s.request, s.error.empty(), exec_start, s.compute_start, s.compute_end,
              exec_end))
        TRITONSERVER_ErrorDelete(e);
      if (s.response != nullptr) {
        TRITONSERVER_Error* error =
            s.error.empty() ? nullptr : TRITONSERVER_ErrorNew(s.error_code, s.error.c_str());
        if (TRITONSERVER_Error* e =
                TRITONBACKEND_ResponseSend(s.response, TRITONSERVER_RESPONSE_COMPLETE_FINAL, error))
          TRITONSERVER_ErrorDelete(e);
      }
      if (TRITONSERVER_Error* e =
              TRITONBACKEND_RequestRelease(s.request, TRITONSERVER_REQUEST_RELEASE_ALL))
        TRITONSERVER_ErrorDelete(e);
    }
  }

  TRITONBACKEND_ModelInstance* instance() const { return instance_; }

 private:
  void Validate(Slot& s) {
    try {
      const TensorSpec& spec = model_.signature().input;
      uint32_t inputs = 0;
      Check(TRITONBACKEND_RequestInputCount(s.request, &inputs), "TRITONBACKEND_RequestInputCount");
      if (TRITONSERVER_Error* e =
              TRITONBACKEND_RequestInput(s.request, spec.name.c_str(), &s.input)) {
        TRITONSERVER_ErrorDelete(e);
        throw std::runtime_error("the request has no input \"" + spec.name + "\"");
      }
      if (inputs != 1)
        throw std::runtime_error("expected 1 input (\"" + spec.name + "\"), got " +
                                 std::to_string(inputs));
      TRITONSERVER_DataType type;
      const int64_t* shape = nullptr;
      uint32_t rank = 0;
      uint64_t bytes = 0;
      Check(TRITONBACKEND_InputProperties(s.input, nullptr, &type, &shape, &rank, &bytes,
                                          &s.buffer_count),
            "TRITONBACKEND_InputProperties");
      if (type != TRITONSERVER_TYPE_FP32)
        throw std::runtime_error("input \"" + spec.name + "\" must be FP32");
      if (rank != spec.dims.size() + 1)
        throw std::runtime_error("input \"" + spec.name + "\" must have rank " +
                                 std::to_string(spec.dims.size() + 1) + " (batch, C, H, W), got " +
                                 std::to_string(rank));
      s.batch = shape[0];
      s.image_dims.assign(shape + 1, shape + rank);
      if (s.batch < 1 || s.batch > model_.settings().max_batch_size)
        throw std::runtime_error("batch " + std::to_string(s.batch) + " is outside 1.." +
                                 std::to_string(model_.settings().max_batch_size));
      if (s.image_dims[0] != spec.dims[0])
        throw std::runtime_error("input \"" + spec.name + "\" has " +
                                 std::to_string(s.image_dims[0]) + " channels, the model takes " +
                                 std::to_string(spec.dims[0]));
      for (int64_t d : s.image_dims)
        if (d < 1) throw std::runtime_error("input dims must be positive");
      if (bytes != sizeof(float) * static_cast<uint64_t>(s.batch * Product(s.image_dims)))
        throw std::runtime_error("input \"" + spec.name + "\" holds " + std::to_string(bytes) +
                                 " bytes, its shape needs " +
                                 std::to_string(sizeof(float) * s.batch * Product(s.image_dims)));
    } catch (const std::exception& e) {
      s.error = e.what();
    }
  }

  void Fail(const std::vector<Slot*>& members, TRITONSERVER_Error_Code code,
            const std::string& message) {
    for (Slot* s : members) {
      s->error = message;
      s->error_code = code;
    }
  }

  // Gathers the group's images, runs them once, scatters the outputs.
  void RunGroup(const std::vector<int64_t>& image_dims, const std::vector<Slot*>& members,
                uint64_t exec_start) {
    const int64_t image = Product(image_dims);
    int64_t total = 0;
    for (Slot* s : members) s->row = total, total += s->batch;
    std::vector<float> input(static_cast<size_t>(total * image));
    try {
      for (Slot* s : members) Gather(*s, input.data() + s->row * image);
    } catch (const std::exception& e) {
      Fail(members, TRITONSERVER_ERROR_INVALID_ARG, e.what());
      return;
    }
    std::vector<int64_t> dims = {total};
    dims.insert(dims.end(), image_dims.begin(), image_dims.end());
    std::vector<std::vector<int64_t>> output_dims;  // per output, for the whole batch
    size_t elements = 0;
    const uint64_t compute_start = NowNs();
    try {
      for (int32_t i = 0; i < static_cast<int32_t>(model_.signature().outputs.size()); ++i) {
        int64_t d[INCEPT_MAX_RANK];
        int32_t rank = 0;
        CheckIncept(incept_engine_output_shape(engine_, dims.data(), 4, i, d, &rank),
                    "incept_engine_output_shape");
        output_dims.emplace_back(d, d + rank);
        elements += static_cast<size_t>(Product(output_dims.back()));
      }
      output_.resize(elements);
      CheckIncept(incept_context_run(context_.get(), input.data(), dims.data(), 4, output_.data(),
                                     output_.size()),
                  "incept_context_run");
    } catch (const BackendError& e) {
      Fail(members, e.code, e.what());
      return;
    }
    const uint64_t compute_end = NowNs();
    for (Slot* s : members) {
      s->compute_start = compute_start;
      s->compute_end = compute_end;
      try {
        Scatter(*s, output_dims, total);
      } catch (const std::exception& e) {
        s->error = e.what();
        s->error_code = TRITONSERVER_ERROR_INTERNAL;
      }
    }
    if (TRITONSERVER_Error* e = TRITONBACKEND_ModelInstanceReportBatchStatistics(
            instance_, static_cast<uint64_t>(total), exec_start, compute_start, compute_end,
            NowNs()))
      TRITONSERVER_ErrorDelete(e);
  }

  // Copies a request's input buffers (in host memory) to `destination`, in order.
  void Gather(const Slot& s, float* destination) {
    char* out = reinterpret_cast<char*>(destination);
    for (uint32_t b = 0; b < s.buffer_count; ++b) {
      const void* buffer = nullptr;
      uint64_t size = 0;
      TRITONSERVER_MemoryType type = TRITONSERVER_MEMORY_CPU;
      int64_t type_id = 0;
      Check(TRITONBACKEND_InputBuffer(s.input, b, &buffer, &size, &type, &type_id),
            "TRITONBACKEND_InputBuffer");
      if (type == TRITONSERVER_MEMORY_GPU)
        throw std::runtime_error("input buffers in GPU memory are not supported; send host memory");
      std::memcpy(out, buffer, size);
      out += size;
    }
  }

  // Creates the request's outputs: rows [row, row + batch) of each output asked for.
  void Scatter(const Slot& s, const std::vector<std::vector<int64_t>>& output_dims, int64_t total) {
    if (s.response == nullptr) return;
    uint32_t asked = 0;
    Check(TRITONBACKEND_RequestOutputCount(s.request, &asked), "TRITONBACKEND_RequestOutputCount");
    const auto& outputs = model_.signature().outputs;
    for (uint32_t a = 0; a < asked; ++a) {
      const char* name = nullptr;
      Check(TRITONBACKEND_RequestOutputName(s.request, a, &name),
            "TRITONBACKEND_RequestOutputName");
      size_t offset = 0, index = 0;
      for (; index < outputs.size() && outputs[index].name != name; ++index)
        offset += static_cast<size_t>(Product(output_dims[index]));
      if (index == outputs.size())
        throw std::runtime_error(std::string("no output \"") + name + "\"");
      const int64_t row_elements = Product(output_dims[index]) / total;
      std::vector<int64_t> shape = output_dims[index];
      shape[0] = s.batch;
      TRITONBACKEND_Output* output = nullptr;
      Check(TRITONBACKEND_ResponseOutput(s.response, &output, name, TRITONSERVER_TYPE_FP32,
                                         shape.data(), static_cast<uint32_t>(shape.size())),
            "TRITONBACKEND_ResponseOutput");
      const uint64_t bytes = sizeof(float) * static_cast<uint64_t>(s.batch * row_elements);
      void* buffer = nullptr;
      TRITONSERVER_MemoryType type = TRITONSERVER_MEMORY_CPU;
      int64_t type_id = 0;
      Check(TRITONBACKEND_OutputBuffer(output, &buffer, bytes, &type, &type_id),
            "TRITONBACKEND_OutputBuffer");
      if (type == TRITONSERVER_MEMORY_GPU)
        throw std::runtime_error("Triton gave an output buffer in GPU memory");
      std::memcpy(buffer, output_.data() + offset + s.row * row_elements, bytes);
    }
  }

  TRITONBACKEND_ModelInstance* instance_;
  ModelState& model_;
  std::string name_;
  incept_engine* engine_ = nullptr;  // owned by the model
  ContextPtr context_;
  std::vector<float> output_;  // reused across calls
};

}  // namespace
}  // namespace incept::triton

using incept::triton::Check;
using incept::triton::Guard;
using incept::triton::InstanceState;
using incept::triton::ModelState;

extern "C" {

TRITONSERVER_Error* TRITONBACKEND_Initialize(TRITONBACKEND_Backend*) {
  return Guard([] {
    uint32_t major = 0, minor = 0;
    Check(TRITONBACKEND_ApiVersion(&major, &minor), "TRITONBACKEND_ApiVersion");
    if (major != kTritonBackendApiMajor || minor < kTritonBackendApiMinor)
      throw incept::triton::BackendError(TRITONSERVER_ERROR_UNSUPPORTED,
                                         "the incept backend needs Triton backend API " +
                                             std::to_string(kTritonBackendApiMajor) + "." +
                                             std::to_string(kTritonBackendApiMinor) +
                                             " or a later minor version; the server has " +
                                             std::to_string(major) + "." + std::to_string(minor));
    incept::triton::Log(TRITONSERVER_LOG_INFO, std::string("incept backend: incept ") +
                                                   incept_version() + ", Triton backend API " +
                                                   std::to_string(major) + "." +
                                                   std::to_string(minor));
  });
}

TRITONSERVER_Error* TRITONBACKEND_ModelInitialize(TRITONBACKEND_Model* model) {
  return Guard([&] {
    auto state = std::make_unique<ModelState>(model);
    Check(TRITONBACKEND_ModelSetState(model, state.get()), "TRITONBACKEND_ModelSetState");
    state.release();
  });
}

TRITONSERVER_Error* TRITONBACKEND_ModelFinalize(TRITONBACKEND_Model* model) {
  return Guard([&] {
    void* state = nullptr;
    Check(TRITONBACKEND_ModelState(model, &state), "TRITONBACKEND_ModelState");
    delete static_cast<ModelState*>(state);
  });
}

TRITONSERVER_Error* TRITONBACKEND_ModelInstanceInitialize(TRITONBACKEND_ModelInstance* instance) {
  return Guard([&] {
    TRITONBACKEND_Model* model = nullptr;
    Check(TRITONBACKEND_ModelInstanceModel(instance, &model), "TRITONBACKEND_ModelInstanceModel");
    void* model_state = nullptr;
    Check(TRITONBACKEND_ModelState(model, &model_state), "TRITONBACKEND_ModelState");
    auto state = std::make_unique<InstanceState>(instance, *static_cast<ModelState*>(model_state));
    Check(TRITONBACKEND_ModelInstanceSetState(instance, state.get()),
          "TRITONBACKEND_ModelInstanceSetState");
    state.release();
  });
}

TRITONSERVER_Error* TRITONBACKEND_ModelInstanceFinalize(TRITONBACKEND_ModelInstance* instance) {
  return Guard([&] {
    void* state = nullptr;
    Check(TRITONBACKEND_ModelInstanceState(instance, &state), "TRITONBACKEND_ModelInstanceState");
    delete static_cast<InstanceState*>(state);
  });
}

TRITONSERVER_Error* TRITONBACKEND_ModelInstanceExecute(TRITONBACKEND_ModelInstance* instance,
                                                       TRITONBACKEND_Request** requests,
                                                       const uint32_t request_count) {
  // Once the state is found, every request is answered and released here, so success is
  // returned even when requests failed (their responses carry the errors).
  void* state = nullptr;
  if (TRITONSERVER_Error* e = TRITONBACKEND_ModelInstanceState(instance, &state)) return e;
  try {
    static_cast<InstanceState*>(state)->Execute(requests, request_count);
  } catch (const std::exception& e) {
    incept::triton::Log(TRITONSERVER_LOG_ERROR, std::string("incept: execute: ") + e.what());
  }
  return nullptr;
}

}  // extern "C"

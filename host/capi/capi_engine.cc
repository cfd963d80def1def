// The objects behind the C API (capi_engine.h): loading, the host and CUDA paths, shapes.
#include "host/capi/capi_engine.h"

#include <cstdio>
#include <cstring>
#include <fstream>

#include "graph/json_io.h"
#include "graph/onnx/onnx_import.h"
#include "graph/shape_inference.h"
#include "host/engine_file/engine_file.h"
#include "host/io/safetensors.h"
#include "host/random_weights.h"

#ifdef INCEPT_HAVE_CUDA
#include <cuda_runtime.h>

#include "cuda/cuda_backend.h"
#endif

namespace incept::capi {
namespace {

// The dims of a shape as the engine hands its tensors out: Shape::dims() where the IR
// knows ranks (feature vectors (N, F)), else the four NCHW fields.
template <class S>
auto DimsOf(const S& shape, int) -> decltype(shape.dims()) {
  return shape.dims();
}
template <class S>
std::vector<int64_t> DimsOf(const S& shape, long) {
  return {shape.n, shape.c, shape.h, shape.w};
}

void RequireReadable(const std::string& path, const char* what) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw StatusError(INCEPT_ERROR_NOT_FOUND,
                      std::string("cannot open ") + what + " \"" + path + "\"");
}

// A model JSON or an ONNX file (with its initializers as weights); engine files are loaded
// whole by Engine (below).
struct LoadedModel {
  Graph graph;
  WeightMap weights;
};

LoadedModel LoadModel(const std::string& path, const char* weights_path, uint64_t seed) {
  RequireReadable(path, "model file");
  if (weights_path != nullptr) RequireReadable(weights_path, "weights file");
  LoadedModel m;
  try {
    if (IsOnnxPath(path)) {
      OnnxModel onnx = LoadOnnx(path);
      m.graph = std::move(onnx.graph);
      m.weights = std::move(onnx.weights);
      // A weights file replaces initializers by name.
      if (weights_path != nullptr)
        for (auto& [name, tensor] : LoadSafetensors(weights_path))
          m.weights[name] = std::move(tensor);
    } else {
      m.graph = LoadGraph(path);
    }
    InferShapes(m.graph);
    if (!IsOnnxPath(path))
      m.weights =
          weights_path != nullptr ? LoadSafetensors(weights_path) : RandomWeights(m.graph, seed);
  } catch (const Error& e) {
    throw StatusError(INCEPT_ERROR_INVALID_MODEL, e.what());
  }
  return m;
}

// The value a C caller stored in an enum field. C lets it hold any int, while loading an
// out-of-range value through the C++ enum type is undefined, so the bytes are read as int.
template <class Enum>
int RawEnum(const Enum& field) {
  static_assert(sizeof(Enum) == sizeof(int), "C enums are int-sized on our ABIs");
  int value;
  std::memcpy(&value, &field, sizeof value);
  return value;
}

const char* BackendName(int backend) {
  switch (backend) {
    case INCEPT_BACKEND_AUTO:
      return "auto";
    case INCEPT_BACKEND_HOST:
      return "host";
    case INCEPT_BACKEND_CUDA:
      return "cuda";
  }
  throw StatusError(INCEPT_ERROR_INVALID_ARGUMENT,
                    "options.backend " + std::to_string(backend) + " is not an incept_backend");
}

// The engine's precision of a C caller's incept_precision (or StatusError).
Precision PrecisionOf(int precision) {
  switch (precision) {
    case INCEPT_PRECISION_FP32:
      return Precision::kFp32;
    case INCEPT_PRECISION_TF32:
      return Precision::kTf32;
    case INCEPT_PRECISION_FP16:
      return Precision::kFp16;
    case INCEPT_PRECISION_BF16:
      return Precision::kBf16;
  }
  throw StatusError(
      INCEPT_ERROR_INVALID_ARGUMENT,
      "options.precision " + std::to_string(precision) + " is not an incept_precision");
}

void CheckOptions(const incept_engine_options& o) {
  BackendName(RawEnum(o.backend));  // throws for a value that is not an incept_backend
  PrecisionOf(RawEnum(o.precision));
  if (o.streams < 1 || o.streams > 64)
    throw StatusError(INCEPT_ERROR_INVALID_ARGUMENT,
                      "options.streams " + std::to_string(o.streams) + " is outside 1..64");
  if (o.device_id < 0)
    throw StatusError(INCEPT_ERROR_INVALID_ARGUMENT,
                      "options.device_id " + std::to_string(o.device_id) + " is negative");
}

int64_t Elements(const std::vector<std::vector<int64_t>>& dims) {
  int64_t total = 0;
  for (const auto& d : dims) {
    int64_t n = 1;
    for (int64_t v : d) n *= v;
    total += n;
  }
  return total;
}

void RequireCapacity(int64_t needed, size_t capacity) {
  if (static_cast<size_t>(needed) > capacity)
    throw StatusError(INCEPT_ERROR_INVALID_ARGUMENT,
                      "output buffer holds " + std::to_string(capacity) +
                          " floats, the outputs need " + std::to_string(needed));
}

#ifdef INCEPT_HAVE_CUDA
void UseDevice(int device) {
  cudaError_t status = cudaSetDevice(device);
  if (status != cudaSuccess)
    throw StatusError(INCEPT_ERROR_RUNTIME, "cudaSetDevice(" + std::to_string(device) +
                                                "): " + cudaGetErrorString(status));
}
#endif

}  // namespace

Shape InputShape(const int64_t* dims, int32_t rank) {
  if (dims == nullptr) throw StatusError(INCEPT_ERROR_INVALID_ARGUMENT, "input_dims is NULL");
  if (rank != 4)
    throw StatusError(INCEPT_ERROR_SHAPE,
                      "the input must have rank 4 (N, C, H, W), got rank " + std::to_string(rank));
  for (int i = 0; i < 4; ++i)
    if (dims[i] <= 0)
      throw StatusError(INCEPT_ERROR_SHAPE, "input dimension " + std::to_string(i) + " is " +
                                                std::to_string(dims[i]) + ", must be positive");
  Shape shape;
  shape.n = dims[0];
  shape.c = dims[1];
  shape.h = dims[2];
  shape.w = dims[3];
  return shape;
}

Engine::Engine(const std::string& model_path, const char* weights_path,
               const incept_engine_options& options)
    : options_(options) {
  CheckOptions(options_);
  engine_options_.backend = BackendName(RawEnum(options_.backend));
  engine_options_.optimize = options_.optimize != 0;
  engine_options_.streams = options_.streams;
  engine_options_.precision = PrecisionOf(RawEnum(options_.precision));
  const bool engine_file = IsEngineFilePath(model_path);
  if (engine_file && weights_path != nullptr)
    throw StatusError(
        INCEPT_ERROR_INVALID_ARGUMENT,
        "\"" + model_path + "\": an engine file holds its weights; pass NULL weights");
#ifdef INCEPT_HAVE_CUDA
  if (engine_options_.backend != "host") {
    // AUTO falls back to the host where CUDA cannot run; an explicit CUDA is refused.
    const std::string why = cuda::CudaBackend().Unavailable();
    if (why.empty()) {
      int count = 0;
      (void)cudaGetDeviceCount(&count);
      if (options_.device_id >= count)
        throw StatusError(INCEPT_ERROR_INVALID_ARGUMENT,
                          "options.device_id " + std::to_string(options_.device_id) +
                              ": this machine has " + std::to_string(count) + " CUDA devices");
      UseDevice(options_.device_id);
    } else if (options_.backend == INCEPT_BACKEND_CUDA) {
      throw StatusError(INCEPT_ERROR_UNSUPPORTED, "backend \"cuda\" cannot run here: " + why);
    }
  }
#else
  if (options_.backend == INCEPT_BACKEND_CUDA)
    throw StatusError(INCEPT_ERROR_UNSUPPORTED, "no CUDA backend in this build");
#endif
  try {
    if (engine_file) {
      RequireReadable(model_path, "engine file");
      // Its plans, tactics and precision; AUTO means the backend it was built for.
      prototype_ = LoadEngineFile(model_path, engine_options_);
      loaded_graph_ = prototype_->optimized_graph();
    } else {
      LoadedModel m = LoadModel(model_path, weights_path, options_.seed);
      loaded_graph_ = m.graph;
      prototype_ = std::make_unique<incept::Engine>(std::move(m.graph), std::move(m.weights),
                                                    engine_options_);
    }
  } catch (const StatusError&) {
    throw;
  } catch (const Error& e) {
    const bool unavailable = std::strstr(e.what(), "cannot run here") != nullptr ||
                             std::strstr(e.what(), "cannot run precision") != nullptr;
    throw StatusError(unavailable ? INCEPT_ERROR_UNSUPPORTED : INCEPT_ERROR_INVALID_MODEL,
                      e.what());
  }
  const Node& input = loaded_graph_.nodes.at(loaded_graph_.InputIndices().at(0));
  default_input_ = input.shape;
  input_name_ = input.name;
}

Engine::~Engine() = default;

std::vector<std::vector<int64_t>> Engine::OutputDims(const Shape& input_shape) const {
  Graph graph = prototype_->optimized_graph();
  try {
    InferShapes(graph, input_shape);
  } catch (const Error& e) {
    throw StatusError(INCEPT_ERROR_SHAPE, "input " + input_shape.str() + ": " + e.what());
  }
  std::vector<std::vector<int64_t>> dims;
  for (const std::string& name : graph.outputs) dims.push_back(DimsOf(graph.at(name).shape, 0));
  return dims;
}

Context::Context(const Engine& engine)
    : engine_(engine), context_(engine.prototype_->CreateContext()) {}

Context::~Context() = default;

void Context::UseEngineDevice() const {
#ifdef INCEPT_HAVE_CUDA
  if (engine_.backend_name() == "cuda") UseDevice(engine_.options_.device_id);
#endif
}

int64_t Context::OutputElements(const Shape& shape) {
  int64_t& needed = output_elements_[std::make_tuple(shape.n, shape.c, shape.h, shape.w)];
  if (needed == 0) needed = Elements(engine_.OutputDims(shape));  // throws for a bad shape
  return needed;
}

void Context::Run(const float* input, const Shape& shape, float* output, size_t capacity) {
  const int64_t needed = OutputElements(shape);
  RequireCapacity(needed, capacity);
  Tensor batch({shape.n, shape.c, shape.h, shape.w});
  std::memcpy(batch.data.data(), input, sizeof(float) * batch.data.size());
  std::vector<Tensor> outputs;
  try {
    UseEngineDevice();
    outputs = context_->Run(batch);
  } catch (const StatusError&) {
    throw;
  } catch (const Error& e) {
    throw StatusError(INCEPT_ERROR_RUNTIME, e.what());
  }
  for (const Tensor& t : outputs) {
    std::memcpy(output, t.data.data(), sizeof(float) * t.data.size());
    output += t.data.size();
  }
}

void Context::Enqueue(const float* device_input, const Shape& shape, float* device_output,
                      size_t capacity, void* stream) {
  if (engine_.backend_name() != "cuda")
    throw StatusError(
        INCEPT_ERROR_UNSUPPORTED,
        "enqueue needs the cuda backend; this engine runs on \"" + engine_.backend_name() + "\"");
  const int64_t needed = OutputElements(shape);
  RequireCapacity(needed, capacity);
  try {
    UseEngineDevice();
    context_->Enqueue(shape, device_input, device_output, stream);
  } catch (const StatusError&) {
    throw;
  } catch (const Error& e) {
    throw StatusError(INCEPT_ERROR_RUNTIME, e.what());
  }
}

}  // namespace incept::capi

// The objects behind the C API (capi_engine.h): loading, the host and CUDA paths, shapes.
#include "host/capi/capi_engine.h"

#include <cstdio>
#include <cstring>
#include <fstream>

#include "graph/json_io.h"
#include "graph/passes/passes.h"
#include "graph/shape_inference.h"
#include "host/io/safetensors.h"
#include "host/random_weights.h"

#ifdef INCEPT_HAVE_CUDA
#include <cuda_runtime.h>

#include "cuda/check.h"
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

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void RequireReadable(const std::string& path, const char* what) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw StatusError(INCEPT_ERROR_NOT_FOUND,
                      std::string("cannot open ") + what + " \"" + path + "\"");
}

Graph LoadModelGraph(const std::string& path) {
  RequireReadable(path, "model file");
  if (EndsWith(path, ".onnx"))
    throw StatusError(INCEPT_ERROR_UNSUPPORTED,
                      "\"" + path + "\": ONNX models are not supported by this version");
  if (EndsWith(path, ".engine") || EndsWith(path, ".plan"))
    throw StatusError(INCEPT_ERROR_UNSUPPORTED,
                      "\"" + path + "\": engine files are not supported by this version");
  try {
    Graph graph = LoadGraph(path);
    InferShapes(graph);
    return graph;
  } catch (const Error& e) {
    throw StatusError(INCEPT_ERROR_INVALID_MODEL, e.what());
  }
}

WeightMap LoadWeights(const Graph& graph, const char* path, uint64_t seed) {
  if (path == nullptr) return RandomWeights(graph, seed);
  RequireReadable(path, "weights file");
  try {
    return LoadSafetensors(path);
  } catch (const Error& e) {
    throw StatusError(INCEPT_ERROR_INVALID_MODEL, e.what());
  }
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

void CheckOptions(const incept_engine_options& o) {
  BackendName(RawEnum(o.backend));  // throws for a value that is not an incept_backend
  if (const int p = RawEnum(o.precision); p != INCEPT_PRECISION_FP32) {
    static const char* names[] = {"fp32", "tf32", "fp16", "bf16"};
    if (p < 0 || p > 3)
      throw StatusError(INCEPT_ERROR_INVALID_ARGUMENT,
                        "options.precision " + std::to_string(p) + " is not an incept_precision");
    throw StatusError(INCEPT_ERROR_UNSUPPORTED,
                      std::string("precision ") + names[p] + " is not supported yet (fp32 only)");
  }
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

// The CUDA path's shared state: the optimised graph (as the engine's passes make it for the
// CUDA backend) and one upload of its weights.
struct DeviceModel {
#ifdef INCEPT_HAVE_CUDA
  Graph graph;
  std::unique_ptr<cuda::CudaBackend> backend;
  std::shared_ptr<const cuda::DeviceWeights> weights;
  int device = 0;
  int streams = 4;
#endif
};

Engine::Engine(const std::string& model_path, const char* weights_path,
               const incept_engine_options& options)
    : options_(options) {
  CheckOptions(options_);
  loaded_graph_ = LoadModelGraph(model_path);
  loaded_weights_ = LoadWeights(loaded_graph_, weights_path, options_.seed);
  const Node& input = loaded_graph_.nodes.at(loaded_graph_.InputIndices().at(0));
  default_input_ = input.shape;
  input_name_ = input.name;
  engine_options_.backend = BackendName(RawEnum(options_.backend));
  engine_options_.optimize = options_.optimize != 0;
  engine_options_.streams = options_.streams;
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
    prototype_ = std::make_unique<incept::Engine>(loaded_graph_, loaded_weights_, engine_options_);
  } catch (const Error& e) {
    const bool unavailable = std::strstr(e.what(), "cannot run here") != nullptr;
    throw StatusError(unavailable ? INCEPT_ERROR_UNSUPPORTED : INCEPT_ERROR_INVALID_MODEL,
                      e.what());
  }
  engine_options_.backend = prototype_->backend_name();  // contexts do not choose again
  if (engine_options_.backend != "cuda") return;
#ifdef INCEPT_HAVE_CUDA
  device_ = std::make_unique<DeviceModel>();
  device_->device = options_.device_id;
  device_->streams = options_.streams;
  device_->backend = std::make_unique<cuda::CudaBackend>();
  device_->graph = loaded_graph_;
  WeightMap weights = loaded_weights_;
  OptimizeOptions passes;  // as incept::Engine runs them for the CUDA backend
  passes.fuse_reduce = device_->backend->PrefersReduceFusion();
  if (!options_.optimize)
    passes.fold_batchnorm = passes.fuse_conv_relu = passes.fuse_reduce = passes.elide_concats =
        false;
  device_->graph.aux_outputs.clear();
  OptimizeGraph(device_->graph, weights, passes);
  device_->weights = device_->backend->Upload(weights);
#endif
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

struct Context::DeviceContexts {
#ifdef INCEPT_HAVE_CUDA
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, std::unique_ptr<cuda::CudaContext>>
      by_shape;
#endif
};

Context::Context(const Engine& engine) : engine_(engine) {
  if (engine.device_) {
    device_contexts_ = std::make_unique<DeviceContexts>();
    return;
  }
  host_context_ = engine.prototype_->CreateContext();
}

Context::~Context() = default;

#ifdef INCEPT_HAVE_CUDA
namespace {
cuda::CudaContext& DeviceContextFor(const DeviceModel& model,
                                    std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>,
                                             std::unique_ptr<cuda::CudaContext>>& by_shape,
                                    const Shape& shape) {
  auto key = std::make_tuple(shape.n, shape.c, shape.h, shape.w);
  auto it = by_shape.find(key);
  if (it != by_shape.end()) return *it->second;
  Graph graph = model.graph;
  InferShapes(graph, shape);
  Plan plan = MakePlan(graph, model.streams);
  return *(by_shape[key] = model.backend->CreateContext(graph, plan, model.weights));
}
}  // namespace
#endif

void Context::Run(const float* input, const Shape& shape, float* output, size_t capacity) {
  const int64_t needed = Elements(engine_.OutputDims(shape));
  RequireCapacity(needed, capacity);
  Tensor batch({shape.n, shape.c, shape.h, shape.w});
  std::memcpy(batch.data.data(), input, sizeof(float) * batch.data.size());
  std::vector<Tensor> outputs;
  try {
    if (host_context_) {
      outputs = host_context_->Run(batch);
    } else {
#ifdef INCEPT_HAVE_CUDA
      UseDevice(engine_.device_->device);
      outputs = DeviceContextFor(*engine_.device_, device_contexts_->by_shape, shape)
                    .Run(batch, RunOptions{});
#endif
    }
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
#ifdef INCEPT_HAVE_CUDA
  if (!engine_.device_)
    throw StatusError(
        INCEPT_ERROR_UNSUPPORTED,
        "enqueue needs the cuda backend; this engine runs on \"" + engine_.backend_name() + "\"");
  const int64_t needed = Elements(engine_.OutputDims(shape));
  RequireCapacity(needed, capacity);
  try {
    UseDevice(engine_.device_->device);
    DeviceContextFor(*engine_.device_, device_contexts_->by_shape, shape)
        .Enqueue(device_input, device_output, static_cast<cudaStream_t>(stream));
  } catch (const StatusError&) {
    throw;
  } catch (const Error& e) {
    throw StatusError(INCEPT_ERROR_RUNTIME, e.what());
  }
#else
  (void)device_input, (void)shape, (void)device_output, (void)capacity, (void)stream;
  throw StatusError(INCEPT_ERROR_UNSUPPORTED, "no CUDA backend in this build");
#endif
}

}  // namespace incept::capi

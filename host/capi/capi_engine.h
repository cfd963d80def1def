// The C++ objects behind the C API's handles (incept.h), and the errors they throw.
//
// Engine (incept_engine): loads the model and weights once, builds a prototype
// incept::Engine that validates them and resolves the backend, and answers shape queries.
// Context (incept_context): what one thread runs in.
//   host  each context is an incept::EngineContext of the engine's one incept::Engine: the
//         weights and plans are shared, the executables (arenas) are the context's own, so
//         contexts of one engine run concurrently without waiting for each other.
//   cuda  the engine holds the optimised graph and one upload of its weights
//         (cuda::DeviceWeights, shared read-only); each context builds a cuda::CudaContext
//         (arena, streams, handles, CUDA graph) per input shape on first use. The same
//         context serves incept_context_run (host to host) and incept_context_enqueue.
//
// Threads: every Engine member is safe to call from any thread (nothing mutable after
// construction); a Context is used by one thread at a time.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "graph/error.h"
#include "graph/graph.h"
#include "graph/tensor.h"
#include "host/capi/incept.h"
#include "host/engine.h"

namespace incept::capi {

// An error that carries the C status it maps to.
class StatusError : public Error {
 public:
  StatusError(incept_status status, const std::string& what) : Error(what), status_(status) {}
  incept_status status() const { return status_; }

 private:
  incept_status status_;
};

struct DeviceModel;  // the CUDA path's shared state (capi_engine.cc)

class Engine {
 public:
  Engine(const std::string& model_path, const char* weights_path,
         const incept_engine_options& options);
  ~Engine();

  const std::string& backend_name() const { return prototype_->backend_name(); }
  const Shape& default_input_shape() const { return default_input_; }
  const std::string& input_name() const { return input_name_; }
  int output_count() const { return static_cast<int>(loaded_graph_.outputs.size()); }
  const std::string& output_name(int index) const { return loaded_graph_.outputs.at(index); }
  // The dims of every output for an input of `input_shape` (StatusError kShape if the
  // network cannot take it).
  std::vector<std::vector<int64_t>> OutputDims(const Shape& input_shape) const;

 private:
  friend class Context;
  incept_engine_options options_;
  Graph loaded_graph_;  // as loaded, shapes inferred at the default input
  WeightMap loaded_weights_;
  EngineOptions engine_options_;
  std::unique_ptr<incept::Engine> prototype_;  // validation, backend choice, optimised graph
  Shape default_input_;
  std::string input_name_;
  std::unique_ptr<DeviceModel> device_;  // cuda backend only
};

class Context {
 public:
  explicit Context(const Engine& engine);
  ~Context();

  // input: (N, C, H, W) floats; writes every output back to back into `output`.
  void Run(const float* input, const Shape& shape, float* output, size_t capacity);
  // Device pointers, asynchronous on `stream` (a cudaStream_t).
  void Enqueue(const float* device_input, const Shape& shape, float* device_output, size_t capacity,
               void* stream);

 private:
  struct DeviceContexts;  // per input shape (cuda path)
  const Engine& engine_;
  std::unique_ptr<incept::EngineContext> host_context_;  // host path
  std::unique_ptr<DeviceContexts> device_contexts_;
};

// The input shape of `dims` (rank 4, every dimension positive), or StatusError.
Shape InputShape(const int64_t* dims, int32_t rank);

}  // namespace incept::capi

struct incept_engine {
  incept::capi::Engine impl;
};
struct incept_context {
  incept::capi::Context impl;
};

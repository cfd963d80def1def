// The C++ objects behind the C API's handles (incept.h), and the errors they throw.
//
// Engine (incept_engine): one incept::Engine, from a model JSON or ONNX file and its
// weights, or from an engine file (its plans, tactics and precision, nothing re-timed); it
// validates them, resolves the backend and answers shape queries.
// Context (incept_context): what one thread runs in: an incept::EngineContext of that
// engine. The weights (on CUDA, their one device upload) and the plans are shared; the
// executables (arenas, and on CUDA streams, handles and CUDA graphs, one per input shape,
// built on first use) are the context's own, so contexts of one engine run concurrently
// without waiting for each other. On CUDA the same context serves incept_context_run (host
// to host) and incept_context_enqueue (device buffers on the caller's stream).
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
  Graph loaded_graph_;  // as loaded (an engine file: optimised), shapes at the default input
  EngineOptions engine_options_;
  std::unique_ptr<incept::Engine> prototype_;  // the engine every context runs on
  Shape default_input_;
  std::string input_name_;
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
  void UseEngineDevice() const;  // cudaSetDevice(the engine's device) on the cuda backend
  // Floats of all outputs for an input of `shape`, inferred once per shape (a request runs
  // no shape inference), or StatusError kShape.
  int64_t OutputElements(const Shape& shape);
  const Engine& engine_;
  std::unique_ptr<incept::EngineContext> context_;
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, int64_t> output_elements_;
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

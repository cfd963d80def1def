// The C API's functions (incept.h): argument checks, then the C++ objects of capi_engine.h,
// with every exception turned into a status and this thread's last error message.
#include <cstring>
#include <new>
#include <string>

#include "host/capi/capi_engine.h"
#include "host/capi/incept.h"

namespace {

thread_local std::string last_error;

incept_status Fail(incept_status status, const std::string& message) {
  last_error = message;
  return status;
}

// Runs `body` (which returns nothing and may throw) and maps what escapes to a status.
template <class Body>
incept_status Guard(const char* function, Body&& body) {
  try {
    body();
    last_error.clear();
    return INCEPT_OK;
  } catch (const incept::capi::StatusError& e) {
    return Fail(e.status(), std::string(function) + ": " + e.what());
  } catch (const std::bad_alloc&) {
    return Fail(INCEPT_ERROR_OUT_OF_MEMORY, std::string(function) + ": out of host memory");
  } catch (const std::exception& e) {
    return Fail(INCEPT_ERROR_INTERNAL, std::string(function) + ": " + e.what());
  } catch (...) {
    return Fail(INCEPT_ERROR_INTERNAL, std::string(function) + ": unknown exception");
  }
}

void RequireNotNull(const void* pointer, const char* name) {
  if (pointer == nullptr)
    throw incept::capi::StatusError(INCEPT_ERROR_INVALID_ARGUMENT, std::string(name) + " is NULL");
}

void RequireOutputIndex(const incept_engine* engine, int32_t index) {
  const int count = engine->impl.output_count();
  if (index < 0 || index >= count)
    throw incept::capi::StatusError(
        INCEPT_ERROR_INVALID_ARGUMENT,
        "output index " + std::to_string(index) + " is outside 0.." + std::to_string(count - 1));
}

#define INCEPT_STR2(x) #x
#define INCEPT_STR(x) INCEPT_STR2(x)

}  // namespace

extern "C" {

const char* incept_version(void) {
  return INCEPT_STR(INCEPT_VERSION_MAJOR) "." INCEPT_STR(INCEPT_VERSION_MINOR) "." INCEPT_STR(
      INCEPT_VERSION_PATCH);
}

int32_t incept_version_number(void) {
  return INCEPT_VERSION_MAJOR * 10000 + INCEPT_VERSION_MINOR * 100 + INCEPT_VERSION_PATCH;
}

const char* incept_status_name(incept_status status) {
  switch (status) {
    case INCEPT_OK:
      return "INCEPT_OK";
    case INCEPT_ERROR_INVALID_ARGUMENT:
      return "INCEPT_ERROR_INVALID_ARGUMENT";
    case INCEPT_ERROR_NOT_FOUND:
      return "INCEPT_ERROR_NOT_FOUND";
    case INCEPT_ERROR_INVALID_MODEL:
      return "INCEPT_ERROR_INVALID_MODEL";
    case INCEPT_ERROR_UNSUPPORTED:
      return "INCEPT_ERROR_UNSUPPORTED";
    case INCEPT_ERROR_SHAPE:
      return "INCEPT_ERROR_SHAPE";
    case INCEPT_ERROR_RUNTIME:
      return "INCEPT_ERROR_RUNTIME";
    case INCEPT_ERROR_OUT_OF_MEMORY:
      return "INCEPT_ERROR_OUT_OF_MEMORY";
    case INCEPT_ERROR_INTERNAL:
      return "INCEPT_ERROR_INTERNAL";
  }
  return "INCEPT_STATUS_UNKNOWN";
}

const char* incept_last_error_message(void) { return last_error.c_str(); }

incept_status incept_engine_options_init(incept_engine_options* options) {
  return Guard("incept_engine_options_init", [&] {
    RequireNotNull(options, "options");
    std::memset(options, 0, sizeof(*options));
    options->struct_size = sizeof(*options);
    options->backend = INCEPT_BACKEND_AUTO;
    options->precision = INCEPT_PRECISION_FP32;
    options->streams = 4;
    options->device_id = 0;
    options->optimize = 1;
    options->seed = 0;
  });
}

incept_status incept_engine_create(const char* model_path, const char* weights_path,
                                   const incept_engine_options* options, incept_engine** engine) {
  return Guard("incept_engine_create", [&] {
    RequireNotNull(engine, "engine");
    *engine = nullptr;
    RequireNotNull(model_path, "model_path");
    incept_engine_options chosen;
    incept_engine_options_init(&chosen);
    if (options != nullptr) {
      // A caller built against this header sets sizeof; a smaller or larger size is a
      // header this library does not know.
      if (options->struct_size != sizeof(incept_engine_options))
        throw incept::capi::StatusError(INCEPT_ERROR_INVALID_ARGUMENT,
                                        "options.struct_size " +
                                            std::to_string(options->struct_size) +
                                            " != " + std::to_string(sizeof(incept_engine_options)) +
                                            " (call incept_engine_options_init first)");
      chosen = *options;
    }
    *engine = new incept_engine{incept::capi::Engine(model_path, weights_path, chosen)};
  });
}

incept_status incept_engine_destroy(incept_engine* engine) {
  return Guard("incept_engine_destroy", [&] { delete engine; });
}

incept_status incept_engine_backend(const incept_engine* engine, const char** name) {
  return Guard("incept_engine_backend", [&] {
    RequireNotNull(engine, "engine");
    RequireNotNull(name, "name");
    *name = engine->impl.backend_name().c_str();
  });
}

incept_status incept_engine_input_shape(const incept_engine* engine, int64_t* dims, int32_t* rank) {
  return Guard("incept_engine_input_shape", [&] {
    RequireNotNull(engine, "engine");
    RequireNotNull(dims, "dims");
    RequireNotNull(rank, "rank");
    const incept::Shape& s = engine->impl.default_input_shape();
    dims[0] = s.n, dims[1] = s.c, dims[2] = s.h, dims[3] = s.w;
    *rank = 4;
  });
}

incept_status incept_engine_input_name(const incept_engine* engine, const char** name) {
  return Guard("incept_engine_input_name", [&] {
    RequireNotNull(engine, "engine");
    RequireNotNull(name, "name");
    *name = engine->impl.input_name().c_str();
  });
}

incept_status incept_engine_output_name(const incept_engine* engine, int32_t index,
                                        const char** name) {
  return Guard("incept_engine_output_name", [&] {
    RequireNotNull(engine, "engine");
    RequireNotNull(name, "name");
    RequireOutputIndex(engine, index);
    *name = engine->impl.output_name(index).c_str();
  });
}

incept_status incept_engine_output_count(const incept_engine* engine, int32_t* count) {
  return Guard("incept_engine_output_count", [&] {
    RequireNotNull(engine, "engine");
    RequireNotNull(count, "count");
    *count = engine->impl.output_count();
  });
}

incept_status incept_engine_output_shape(const incept_engine* engine, const int64_t* input_dims,
                                         int32_t input_rank, int32_t index, int64_t* dims,
                                         int32_t* rank) {
  return Guard("incept_engine_output_shape", [&] {
    RequireNotNull(engine, "engine");
    RequireNotNull(dims, "dims");
    RequireNotNull(rank, "rank");
    RequireOutputIndex(engine, index);
    std::vector<int64_t> d =
        engine->impl.OutputDims(incept::capi::InputShape(input_dims, input_rank)).at(index);
    if (d.size() > INCEPT_MAX_RANK)
      throw incept::capi::StatusError(INCEPT_ERROR_INTERNAL, "output rank above INCEPT_MAX_RANK");
    std::copy(d.begin(), d.end(), dims);
    *rank = static_cast<int32_t>(d.size());
  });
}

incept_status incept_context_create(incept_engine* engine, incept_context** context) {
  return Guard("incept_context_create", [&] {
    RequireNotNull(context, "context");
    *context = nullptr;
    RequireNotNull(engine, "engine");
    *context = new incept_context{incept::capi::Context(engine->impl)};
  });
}

incept_status incept_context_destroy(incept_context* context) {
  return Guard("incept_context_destroy", [&] { delete context; });
}

incept_status incept_context_run(incept_context* context, const float* input,
                                 const int64_t* input_dims, int32_t input_rank, float* output,
                                 size_t output_capacity) {
  return Guard("incept_context_run", [&] {
    RequireNotNull(context, "context");
    RequireNotNull(input, "input");
    RequireNotNull(output, "output");
    context->impl.Run(input, incept::capi::InputShape(input_dims, input_rank), output,
                      output_capacity);
  });
}

incept_status incept_context_enqueue(incept_context* context, const float* device_input,
                                     const int64_t* input_dims, int32_t input_rank,
                                     float* device_output, size_t output_capacity,
                                     void* cuda_stream) {
  return Guard("incept_context_enqueue", [&] {
    RequireNotNull(context, "context");
    RequireNotNull(device_input, "device_input");
    RequireNotNull(device_output, "device_output");
    context->impl.Enqueue(device_input, incept::capi::InputShape(input_dims, input_rank),
                          device_output, output_capacity, cuda_stream);
  });
}

}  // extern "C"

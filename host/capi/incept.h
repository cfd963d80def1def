/* incept.h: the C API of incept, a stable ABI over the C++ engine (host/engine.h).
 *
 *   incept_engine_options options;
 *   incept_engine_options_init(&options);
 *   incept_engine* engine = NULL;
 *   if (incept_engine_create("googlenet_torchvision.json", "weights.safetensors", &options,
 *                            &engine) != INCEPT_OK) {
 *     fprintf(stderr, "incept: %s\n", incept_last_error_message());
 *     return 1;
 *   }
 *   incept_context* context = NULL;
 *   incept_context_create(engine, &context);
 *   int64_t dims[4] = {2, 3, 224, 224};
 *   incept_context_run(context, images, dims, 4, logits, logits_capacity);  (host to host)
 *   incept_context_destroy(context);
 *   incept_engine_destroy(engine);
 *
 * Errors: every function returns an incept_status; INCEPT_OK (0) is success. On failure,
 * incept_last_error_message() gives a one-line reason naming what failed (the file, the
 * node, the argument). No C++ exception crosses this API and the library never aborts or
 * exits.
 *
 * Threads: an engine (the model, its weights and its backend) may be shared by any number
 * of threads; a context (the memory an inference runs in) is used by one thread at a time.
 * Create one context per worker thread; contexts of one engine run concurrently. The engine
 * must outlive its contexts. The last error message is per thread.
 *
 * ABI: opaque handles, plain C types, enums with fixed values, and an options struct that
 * carries its own size (struct_size) so that fields can be added at the end without
 * breaking callers built against an older header. Only incept_* symbols are exported.
 *
 * Tensors are dense float32 in C order: an input (N, C, H, W); outputs of the rank the
 * model gives them (incept_engine_output_shape). Any batch size and any spatial size the
 * network accepts runs.
 */
#ifndef INCEPT_H_
#define INCEPT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define INCEPT_API __attribute__((visibility("default")))
#else
#define INCEPT_API
#endif

/* The version of this header; incept_version() gives the library's. A library with the same
 * major version and a minor version at least the header's serves the caller. */
#define INCEPT_VERSION_MAJOR 0
#define INCEPT_VERSION_MINOR 1
#define INCEPT_VERSION_PATCH 0

/* The largest rank of any tensor the API describes. */
#define INCEPT_MAX_RANK 8

typedef enum incept_status {
  INCEPT_OK = 0,
  INCEPT_ERROR_INVALID_ARGUMENT =
      1,                          /* a NULL pointer, an option out of range, a buffer too small */
  INCEPT_ERROR_NOT_FOUND = 2,     /* a file that cannot be opened */
  INCEPT_ERROR_INVALID_MODEL = 3, /* a malformed or inconsistent model or weights file */
  INCEPT_ERROR_UNSUPPORTED = 4,   /* valid, but not in this build or version (e.g. fp16) */
  INCEPT_ERROR_SHAPE = 5,         /* an input shape the network cannot take */
  INCEPT_ERROR_RUNTIME = 6,       /* execution failed (device error, ...) */
  INCEPT_ERROR_OUT_OF_MEMORY = 7,
  INCEPT_ERROR_INTERNAL = 8 /* anything else; the message says what */
} incept_status;

typedef enum incept_backend {
  INCEPT_BACKEND_AUTO = 0, /* CUDA where a device is usable, else the host */
  INCEPT_BACKEND_HOST = 1, /* the CPU reference backend */
  INCEPT_BACKEND_CUDA = 2
} incept_backend;

typedef enum incept_precision {
  INCEPT_PRECISION_FP32 = 0,
  INCEPT_PRECISION_TF32 = 1,
  INCEPT_PRECISION_FP16 = 2,
  INCEPT_PRECISION_BF16 = 3
} incept_precision;

typedef struct incept_engine_options {
  size_t struct_size;         /* sizeof(incept_engine_options): set by _init */
  incept_backend backend;     /* default INCEPT_BACKEND_AUTO */
  incept_precision precision; /* default FP32; TF32/BF16 on CUDA need sm_80, FP16 sm_70
                                 (else INCEPT_ERROR_UNSUPPORTED; AUTO falls back to the
                                 host, where FP16/BF16 are the rounding reference) */
  int32_t streams;            /* most concurrent streams of the schedule, 1..64; default 4 */
  int32_t device_id;          /* CUDA device of the engine and its contexts; default 0 */
  int32_t optimize;           /* nonzero: run the graph passes (fusions); default 1 */
  uint64_t seed;              /* seed of the random weights when no weights file is given */
} incept_engine_options;

typedef struct incept_engine incept_engine;
typedef struct incept_context incept_context;

/* The library's version, "MAJOR.MINOR.PATCH"; never NULL. */
INCEPT_API const char* incept_version(void);
/* The library's version as MAJOR * 10000 + MINOR * 100 + PATCH. */
INCEPT_API int32_t incept_version_number(void);
/* A short name for a status ("INCEPT_ERROR_SHAPE"); never NULL. */
INCEPT_API const char* incept_status_name(incept_status status);
/* The reason the last failing call on this thread failed, "" after a success. Valid until
 * the next incept call on this thread. Never NULL. */
INCEPT_API const char* incept_last_error_message(void);

/* Fills *options with the defaults above. */
INCEPT_API incept_status incept_engine_options_init(incept_engine_options* options);

/* Builds an engine. model_path: a model JSON file (format "incept-graph"), an ONNX file
 * (".onnx", its initializers are the weights), or an engine file (".incept", written by
 * `incept build`: its plans, tactics and precision load without timing; one built for
 * another device or library version is INCEPT_ERROR_INVALID_MODEL naming the difference).
 * weights_path: a safetensors file (for ONNX: replaces initializers by name), or NULL for
 * seeded random weights (benchmarks, not predictions); NULL for an engine file.
 * options: NULL for the defaults. On success *engine is the new engine; else NULL. */
INCEPT_API incept_status incept_engine_create(const char* model_path, const char* weights_path,
                                              const incept_engine_options* options,
                                              incept_engine** engine);
/* Frees an engine (NULL is fine). Its contexts must have been destroyed first. */
INCEPT_API incept_status incept_engine_destroy(incept_engine* engine);

/* The backend the engine runs on: "host" or "cuda". The string lives as long as the engine. */
INCEPT_API incept_status incept_engine_backend(const incept_engine* engine, const char** name);
/* The model's default input shape, e.g. (1, 3, 224, 224). dims has INCEPT_MAX_RANK slots. */
INCEPT_API incept_status incept_engine_input_shape(const incept_engine* engine, int64_t* dims,
                                                   int32_t* rank);
/* The name of the model's input (its Input node); lives as long as the engine. */
INCEPT_API incept_status incept_engine_input_name(const incept_engine* engine, const char** name);
/* The number of outputs (logits, ...). */
INCEPT_API incept_status incept_engine_output_count(const incept_engine* engine, int32_t* count);
/* The name of output `index` (0 .. count-1); lives as long as the engine. */
INCEPT_API incept_status incept_engine_output_name(const incept_engine* engine, int32_t index,
                                                   const char** name);
/* The shape of output `index` for an input of shape input_dims (rank input_rank, 4). An input
 * the network cannot take: INCEPT_ERROR_SHAPE naming the layer. */
INCEPT_API incept_status incept_engine_output_shape(const incept_engine* engine,
                                                    const int64_t* input_dims, int32_t input_rank,
                                                    int32_t index, int64_t* dims, int32_t* rank);

/* A context on the engine: its own memory (arena) and, on CUDA, its own streams. */
INCEPT_API incept_status incept_context_create(incept_engine* engine, incept_context** context);
INCEPT_API incept_status incept_context_destroy(incept_context* context);

/* Host to host, synchronous: input holds the product of input_dims floats; output receives
 * every output in order, back to back (output_capacity floats available; too few:
 * INCEPT_ERROR_INVALID_ARGUMENT saying how many are needed). */
INCEPT_API incept_status incept_context_run(incept_context* context, const float* input,
                                            const int64_t* input_dims, int32_t input_rank,
                                            float* output, size_t output_capacity);

/* Device to device, asynchronous on the caller's CUDA stream (a cudaStream_t, NULL for the
 * legacy default stream): device_input and device_output are device pointers on the
 * engine's device, laid out as for incept_context_run. The work is ordered after what is
 * already queued on the stream; what is queued after it sees the outputs. Successive calls
 * on one context must be ordered (e.g. on one stream). Needs the CUDA backend: a host
 * engine or a build without CUDA answers INCEPT_ERROR_UNSUPPORTED. */
INCEPT_API incept_status incept_context_enqueue(incept_context* context, const float* device_input,
                                                const int64_t* input_dims, int32_t input_rank,
                                                float* device_output, size_t output_capacity,
                                                void* cuda_stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* INCEPT_H_ */

/* The C API from a C11 program (incept.h): versions, an engine on the host backend with
 * seeded random weights, shapes, host-to-host runs at batch 1 and 2 compared with the C++
 * engine (capi_reference, run as a separate process), two contexts on two threads, and
 * every error path answering a status and a message without crashing.
 *
 *   capi_test MODEL.json CAPI_REFERENCE TMP_DIR
 *
 * Prints one line per check; exits 1 if any failed. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incept.h"

static int failures = 0;

#define CHECK(cond, ...)                           \
  do {                                             \
    if (cond) {                                    \
      printf("ok    ");                            \
    } else {                                       \
      printf("FAIL  %s:%d: ", __FILE__, __LINE__); \
      ++failures;                                  \
    }                                              \
    printf(__VA_ARGS__);                           \
    printf("\n");                                  \
  } while (0)

/* A call expected to fail with `want` and a non-empty message. */
#define EXPECT_STATUS(want, call)                                                          \
  do {                                                                                     \
    incept_status got_ = (call);                                                           \
    CHECK(got_ == (want) && incept_last_error_message()[0] != '\0', "%s -> %s: %s", #call, \
          incept_status_name(got_), incept_last_error_message());                          \
  } while (0)

static const char* model_path;
static const char* reference_tool;
static const char* tmp_dir;

/* Deterministic pseudo-random input in [-1, 1) (a linear congruential generator). */
static void FillInput(float* data, size_t count, uint32_t seed) {
  uint32_t state = seed * 2654435761u + 1u;
  for (size_t i = 0; i < count; ++i) {
    state = state * 1664525u + 1013904223u;
    data[i] = (float)((state >> 8) * (1.0 / 8388608.0) - 1.0);
  }
}

/* sqrt(sum (a-b)^2 / sum b^2); NaN anywhere gives NaN (which fails every bound). */
static double RelativeL2(const float* a, const float* b, size_t count) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < count; ++i) {
    diff += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
    norm += (double)b[i] * b[i];
  }
  return sqrt(diff / (norm > 0 ? norm : 1));
}

/* The C++ engine's outputs for `input` (n images of 3x224x224), into `output`. */
static int Reference(const float* input, int64_t n, float* output, size_t output_count) {
  char in_path[1024], out_path[1024], command[4096];
  snprintf(in_path, sizeof in_path, "%s/capi_input_%lld.f32", tmp_dir, (long long)n);
  snprintf(out_path, sizeof out_path, "%s/capi_output_%lld.f32", tmp_dir, (long long)n);
  FILE* f = fopen(in_path, "wb");
  if (!f) return 0;
  fwrite(input, sizeof(float), (size_t)(n * 3 * 224 * 224), f);
  fclose(f);
  snprintf(command, sizeof command, "'%s' '%s' 0 %lld 3 224 224 '%s' '%s'", reference_tool,
           model_path, (long long)n, in_path, out_path);
  if (system(command) != 0) return 0;
  f = fopen(out_path, "rb");
  if (!f) return 0;
  size_t got = fread(output, sizeof(float), output_count, f);
  fclose(f);
  return got == output_count;
}

struct ThreadJob {
  incept_engine* engine;
  const float* input;
  float* output;
  size_t output_count;
  incept_status status;
};

/* One thread: its own context, one batch-2 run. */
static void* RunOnThread(void* argument) {
  struct ThreadJob* job = argument;
  incept_context* context = NULL;
  int64_t dims[4] = {2, 3, 224, 224};
  job->status = incept_context_create(job->engine, &context);
  if (job->status == INCEPT_OK)
    job->status = incept_context_run(context, job->input, dims, 4, job->output, job->output_count);
  incept_context_destroy(context);
  return NULL;
}

static void TestVersion(void) {
  char expected[64];
  snprintf(expected, sizeof expected, "%d.%d.%d", INCEPT_VERSION_MAJOR, INCEPT_VERSION_MINOR,
           INCEPT_VERSION_PATCH);
  CHECK(strcmp(incept_version(), expected) == 0, "incept_version() %s == header %s",
        incept_version(), expected);
  CHECK(incept_version_number() ==
            INCEPT_VERSION_MAJOR * 10000 + INCEPT_VERSION_MINOR * 100 + INCEPT_VERSION_PATCH,
        "incept_version_number() %d", incept_version_number());
}

/* Writes `text` to TMP_DIR/name and leaves its path in path[size]. */
static void TempFile(char* path, size_t size, const char* name, const char* text) {
  FILE* f;
  snprintf(path, size, "%s/%s", tmp_dir, name);
  f = fopen(path, "w");
  CHECK(f != NULL, "write %s", path);
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

static void TestErrors(void) {
  incept_engine_options options;
  incept_engine* engine = (incept_engine*)1;
  char path[1024];

  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT, incept_engine_options_init(NULL));
  incept_engine_options_init(&options);
  options.backend = INCEPT_BACKEND_HOST;
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_engine_create(model_path, NULL, &options, NULL));
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT, incept_engine_create(NULL, NULL, &options, &engine));
  CHECK(engine == NULL, "a failed create leaves *engine NULL");
  EXPECT_STATUS(INCEPT_ERROR_NOT_FOUND,
                incept_engine_create("/nonexistent/model.json", NULL, &options, &engine));
  CHECK(strstr(incept_last_error_message(), "/nonexistent/model.json") != NULL,
        "the message names the missing file");
  EXPECT_STATUS(INCEPT_ERROR_NOT_FOUND,
                incept_engine_create(model_path, "/nonexistent/w.safetensors", &options, &engine));

  TempFile(path, sizeof path, "capi_bad.json",
           "{\"format\": \"incept-graph\", \"version\": 1, \"nodes\": [");
  EXPECT_STATUS(INCEPT_ERROR_INVALID_MODEL, incept_engine_create(path, NULL, &options, &engine));
  TempFile(path, sizeof path, "capi_bad.safetensors", "not a safetensors file");
  EXPECT_STATUS(INCEPT_ERROR_INVALID_MODEL,
                incept_engine_create(model_path, path, &options, &engine));
  TempFile(path, sizeof path, "capi_model.onnx", "x");
  EXPECT_STATUS(INCEPT_ERROR_INVALID_MODEL, incept_engine_create(path, NULL, &options, &engine));
  TempFile(path, sizeof path, "capi_bad.incept", "INCEPTEF but not an engine file");
  EXPECT_STATUS(INCEPT_ERROR_INVALID_MODEL, incept_engine_create(path, NULL, &options, &engine));
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_engine_create(path, model_path, &options, &engine));

  options.precision = (incept_precision)42;
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_engine_create(model_path, NULL, &options, &engine));
  options.precision = INCEPT_PRECISION_FP32;
  options.streams = 0;
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_engine_create(model_path, NULL, &options, &engine));
  options.streams = 4;
  options.backend = (incept_backend)7;
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_engine_create(model_path, NULL, &options, &engine));
  options.backend = INCEPT_BACKEND_HOST;
  options.struct_size = 8;
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_engine_create(model_path, NULL, &options, &engine));

  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT, incept_context_create(NULL, NULL));
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT, incept_engine_output_count(NULL, NULL));
  CHECK(incept_engine_destroy(NULL) == INCEPT_OK && incept_context_destroy(NULL) == INCEPT_OK,
        "destroying NULL is fine");
  CHECK(incept_last_error_message()[0] == '\0', "a success clears the last error message");
  CHECK(strcmp(incept_status_name(INCEPT_ERROR_SHAPE), "INCEPT_ERROR_SHAPE") == 0,
        "incept_status_name");
}

/* Runs the model through the C API and compares with the C++ engine; then the errors a
 * valid engine answers (shapes, buffers, enqueue on the host). */
static void TestEngine(void) {
  enum { kClasses = 1000, kImage = 3 * 224 * 224 };
  incept_engine_options options;
  incept_engine* engine = NULL;
  incept_context* context = NULL;
  const char* backend = NULL;
  const char* name = NULL;
  int64_t dims[INCEPT_MAX_RANK], in_dims[4] = {2, 3, 224, 224};
  int32_t rank = 0, count = 0;
  float* input = malloc(sizeof(float) * 2 * kImage);
  float* out1 = malloc(sizeof(float) * kClasses);
  float* out2 = malloc(sizeof(float) * 2 * kClasses);
  float* ref1 = malloc(sizeof(float) * kClasses);
  float* ref2 = malloc(sizeof(float) * 2 * kClasses);
  float* thread_out[2] = {malloc(sizeof(float) * 2 * kClasses),
                          malloc(sizeof(float) * 2 * kClasses)};
  struct ThreadJob jobs[2];
  pthread_t threads[2];
  int64_t product = 1;
  incept_status status;
  float dummy = 0;

  incept_engine_options_init(&options);
  options.backend = INCEPT_BACKEND_HOST;
  status = incept_engine_create(model_path, NULL, &options, &engine);
  CHECK(status == INCEPT_OK, "create engine (host, random weights): %s %s",
        incept_status_name(status), incept_last_error_message());
  if (status != INCEPT_OK) return;
  CHECK(incept_engine_backend(engine, &backend) == INCEPT_OK && strcmp(backend, "host") == 0,
        "backend %s", backend ? backend : "(null)");
  CHECK(incept_engine_input_shape(engine, dims, &rank) == INCEPT_OK && rank == 4 && dims[0] == 1 &&
            dims[1] == 3 && dims[2] == 224 && dims[3] == 224,
        "input shape (1, 3, 224, 224)");
  CHECK(incept_engine_output_count(engine, &count) == INCEPT_OK && count == 1, "one output");
  CHECK(incept_engine_input_name(engine, &name) == INCEPT_OK && strcmp(name, "x") == 0,
        "input name %s", name ? name : "(null)");
  CHECK(incept_engine_output_name(engine, 0, &name) == INCEPT_OK && strcmp(name, "fc") == 0,
        "output name %s", name ? name : "(null)");
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT, incept_engine_output_name(engine, 1, &name));
  status = incept_engine_output_shape(engine, in_dims, 4, 0, dims, &rank);
  for (int i = 0; i < rank; ++i) product *= dims[i];
  CHECK(status == INCEPT_OK && rank >= 2 && dims[0] == 2 && product == 2 * kClasses,
        "output shape at batch 2: rank %d, (%lld, %lld, ...)", rank, (long long)dims[0],
        (long long)dims[1]);

  FillInput(input, 2 * kImage, 7);
  CHECK(Reference(input, 1, ref1, kClasses), "C++ reference at batch 1");
  CHECK(Reference(input, 2, ref2, 2 * kClasses), "C++ reference at batch 2");

  CHECK(incept_context_create(engine, &context) == INCEPT_OK, "create context");
  in_dims[0] = 1;
  status = incept_context_run(context, input, in_dims, 4, out1, kClasses);
  CHECK(status == INCEPT_OK && RelativeL2(out1, ref1, kClasses) <= 1e-6,
        "batch 1 vs C++ engine: relative L2 %.3g", RelativeL2(out1, ref1, kClasses));
  in_dims[0] = 2;
  status = incept_context_run(context, input, in_dims, 4, out2, 2 * kClasses);
  CHECK(status == INCEPT_OK && RelativeL2(out2, ref2, 2 * kClasses) <= 1e-6,
        "batch 2 vs C++ engine: relative L2 %.3g", RelativeL2(out2, ref2, 2 * kClasses));
  CHECK(RelativeL2(out2, out1, kClasses) <= 1e-5,
        "image 0 of the batch of 2 matches the batch of 1: relative L2 %.3g",
        RelativeL2(out2, out1, kClasses));
  CHECK(RelativeL2(out2 + kClasses, out1, kClasses) > 1e-3,
        "the two images give different logits (relative L2 %.3g)",
        RelativeL2(out2 + kClasses, out1, kClasses));

  /* Two threads, each with its own context of the shared engine, at once. */
  for (int t = 0; t < 2; ++t) {
    jobs[t].engine = engine;
    jobs[t].input = input;
    jobs[t].output = thread_out[t];
    jobs[t].output_count = 2 * kClasses;
    pthread_create(&threads[t], NULL, RunOnThread, &jobs[t]);
  }
  for (int t = 0; t < 2; ++t) {
    pthread_join(threads[t], NULL);
    CHECK(jobs[t].status == INCEPT_OK && RelativeL2(thread_out[t], ref2, 2 * kClasses) <= 1e-6,
          "thread %d (own context): relative L2 %.3g", t,
          RelativeL2(thread_out[t], ref2, 2 * kClasses));
  }

  /* Errors a valid engine and context answer. */
  in_dims[0] = 1;
  in_dims[1] = 4;
  EXPECT_STATUS(INCEPT_ERROR_SHAPE,
                incept_context_run(context, input, in_dims, 4, out2, 2 * kClasses));
  in_dims[1] = 3;
  in_dims[2] = in_dims[3] = 8;
  EXPECT_STATUS(INCEPT_ERROR_SHAPE,
                incept_context_run(context, input, in_dims, 4, out2, 2 * kClasses));
  in_dims[2] = in_dims[3] = 224;
  EXPECT_STATUS(INCEPT_ERROR_SHAPE,
                incept_context_run(context, input, in_dims, 3, out2, 2 * kClasses));
  in_dims[0] = 0;
  EXPECT_STATUS(INCEPT_ERROR_SHAPE,
                incept_context_run(context, input, in_dims, 4, out2, 2 * kClasses));
  in_dims[0] = 2;
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_context_run(context, input, in_dims, 4, out2, kClasses));
  CHECK(strstr(incept_last_error_message(), "2000") != NULL, "the message says how many floats");
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_context_run(context, NULL, in_dims, 4, out2, 2 * kClasses));
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_context_run(context, input, NULL, 4, out2, 2 * kClasses));
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_context_run(NULL, input, in_dims, 4, out2, 2 * kClasses));
  EXPECT_STATUS(INCEPT_ERROR_INVALID_ARGUMENT,
                incept_engine_output_shape(engine, in_dims, 4, 1, dims, &rank));
  EXPECT_STATUS(INCEPT_ERROR_UNSUPPORTED,
                incept_context_enqueue(context, &dummy, in_dims, 4, &dummy, 2 * kClasses, NULL));
  /* The context still runs after all that. */
  status = incept_context_run(context, input, in_dims, 4, out2, 2 * kClasses);
  CHECK(status == INCEPT_OK && RelativeL2(out2, ref2, 2 * kClasses) <= 1e-6,
        "the context still runs after the errors");

  CHECK(incept_context_destroy(context) == INCEPT_OK, "destroy context");
  CHECK(incept_engine_destroy(engine) == INCEPT_OK, "destroy engine");

  /* The CUDA backend: an error where there is none (no device, or a CPU-only build), else
   * the same logits as the host within fp32 rounding. */
  options.backend = INCEPT_BACKEND_CUDA;
  engine = NULL;
  status = incept_engine_create(model_path, NULL, &options, &engine);
  if (status == INCEPT_OK) {
    context = NULL;
    status = incept_context_create(engine, &context);
    if (status == INCEPT_OK)
      status = incept_context_run(context, input, in_dims, 4, out2, 2 * kClasses);
    CHECK(status == INCEPT_OK && RelativeL2(out2, ref2, 2 * kClasses) <= 1e-4,
          "cuda batch 2 vs host: relative L2 %.3g", RelativeL2(out2, ref2, 2 * kClasses));
    incept_context_destroy(context);
    incept_engine_destroy(engine);
  } else {
    CHECK(status == INCEPT_ERROR_UNSUPPORTED && engine == NULL,
          "no usable CUDA backend here: %s: %s", incept_status_name(status),
          incept_last_error_message());
  }
  free(input), free(out1), free(out2), free(ref1), free(ref2);
  free(thread_out[0]), free(thread_out[1]);
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: capi_test MODEL.json CAPI_REFERENCE TMP_DIR\n");
    return 2;
  }
  model_path = argv[1];
  reference_tool = argv[2];
  tmp_dir = argv[3];
  TestVersion();
  TestErrors();
  TestEngine();
  printf("%s: %d failed\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}

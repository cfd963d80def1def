// The C API's device path (label gpu; skipped without a device): incept_context_run and
// incept_context_enqueue on a CUDA engine, on the caller's stream, against the host engine
// through the same C API, at batch 1 and 3.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "incept.h"

namespace {

const std::string kModel = std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";

bool HaveDevice() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

double RelativeL2(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    norm += double(b[i]) * b[i];
  }
  return std::sqrt(diff / std::max(norm, 1e-30));
}

struct CapiEngine {
  incept_engine* engine = nullptr;
  incept_context* context = nullptr;
  explicit CapiEngine(incept_backend backend) {
    incept_engine_options o;
    incept_engine_options_init(&o);
    o.backend = backend;
    EXPECT_EQ(incept_engine_create(kModel.c_str(), nullptr, &o, &engine), INCEPT_OK)
        << incept_last_error_message();
    EXPECT_EQ(incept_context_create(engine, &context), INCEPT_OK) << incept_last_error_message();
  }
  ~CapiEngine() {
    incept_context_destroy(context);
    incept_engine_destroy(engine);
  }
};

TEST(CapiDevice, RunAndEnqueueMatchTheHost) {
  if (!HaveDevice()) GTEST_SKIP() << "no CUDA device";
  CapiEngine host(INCEPT_BACKEND_HOST), cuda(INCEPT_BACKEND_CUDA);
  const char* name = nullptr;
  ASSERT_EQ(incept_engine_backend(cuda.engine, &name), INCEPT_OK);
  EXPECT_STREQ(name, "cuda");
  for (int64_t n : {1, 3}) {
    SCOPED_TRACE("batch " + std::to_string(n));
    int64_t dims[4] = {n, 3, 224, 224};
    std::vector<float> input(static_cast<size_t>(n * 3 * 224 * 224));
    for (size_t i = 0; i < input.size(); ++i) input[i] = std::sin(0.001f * float(i));
    std::vector<float> want(static_cast<size_t>(n * 1000)), got(want.size()), queued(want.size());
    ASSERT_EQ(incept_context_run(host.context, input.data(), dims, 4, want.data(), want.size()),
              INCEPT_OK)
        << incept_last_error_message();
    ASSERT_EQ(incept_context_run(cuda.context, input.data(), dims, 4, got.data(), got.size()),
              INCEPT_OK)
        << incept_last_error_message();
    EXPECT_LE(RelativeL2(got, want), 1e-4);

    float *d_in = nullptr, *d_out = nullptr;
    cudaStream_t stream = nullptr;
    ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&d_in), input.size() * sizeof(float)),
              cudaSuccess);
    ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&d_out), queued.size() * sizeof(float)),
              cudaSuccess);
    ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
    cudaMemcpyAsync(d_in, input.data(), input.size() * sizeof(float), cudaMemcpyHostToDevice,
                    stream);
    EXPECT_EQ(incept_context_enqueue(cuda.context, d_in, dims, 4, d_out, queued.size(), stream),
              INCEPT_OK)
        << incept_last_error_message();
    cudaMemcpyAsync(queued.data(), d_out, queued.size() * sizeof(float), cudaMemcpyDeviceToHost,
                    stream);
    EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
    EXPECT_LE(RelativeL2(queued, want), 1e-4);
    EXPECT_EQ(incept_context_enqueue(cuda.context, d_in, dims, 4, d_out, 10, stream),
              INCEPT_ERROR_INVALID_ARGUMENT);  // output too small
    cudaStreamDestroy(stream);
    cudaFree(d_in);
    cudaFree(d_out);
  }
}

}  // namespace

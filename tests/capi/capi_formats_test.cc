// The C API's model formats and precisions on the host backend, against the C++ engine
// (which the C API wraps, so the outputs must be bitwise equal): an engine file (its plans,
// tactics and fp16 precision load as they are), an ONNX file (its initializers are the
// weights) and a reduced precision asked through incept_engine_options.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "graph/json_io.h"
#include "graph/onnx/onnx_import.h"
#include "host/engine.h"
#include "host/random_weights.h"
#include "incept.h"

namespace {

const std::string kGoogLeNet =
    std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json";

std::vector<float> RandomInput(const incept::Shape& s, uint32_t seed) {
  std::vector<float> x(static_cast<size_t>(s.n * s.c * s.h * s.w));
  uint32_t state = seed * 2654435761u + 1u;
  for (float& v : x) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>((state >> 8) * (1.0 / 8388608.0) - 1.0);
  }
  return x;
}

// The C++ engine's outputs, back to back, as the C API writes them.
std::vector<float> CppRun(incept::Engine& engine, const incept::Shape& s,
                          const std::vector<float>& x) {
  incept::Tensor input({s.n, s.c, s.h, s.w});
  std::memcpy(input.data.data(), x.data(), x.size() * sizeof(float));
  std::vector<float> out;
  for (const incept::Tensor& t : engine.Run(input))
    out.insert(out.end(), t.data.begin(), t.data.end());
  return out;
}

// Through the C API: create (the status must be OK), one run at `s`, destroy.
std::vector<float> CRun(const std::string& model, const incept_engine_options& options,
                        const incept::Shape& s, const std::vector<float>& x, size_t outputs) {
  incept_engine* engine = nullptr;
  incept_context* context = nullptr;
  EXPECT_EQ(incept_engine_create(model.c_str(), nullptr, &options, &engine), INCEPT_OK)
      << incept_last_error_message();
  if (!engine) return {};
  EXPECT_EQ(incept_context_create(engine, &context), INCEPT_OK) << incept_last_error_message();
  std::vector<float> out(outputs);
  const int64_t dims[4] = {s.n, s.c, s.h, s.w};
  EXPECT_EQ(incept_context_run(context, x.data(), dims, 4, out.data(), out.size()), INCEPT_OK)
      << incept_last_error_message();
  incept_context_destroy(context);
  incept_engine_destroy(engine);
  return out;
}

incept_engine_options HostOptions() {
  incept_engine_options o;
  incept_engine_options_init(&o);
  o.backend = INCEPT_BACKEND_HOST;
  return o;
}

TEST(CapiFormats, Fp16OnTheHostIsTheEnginesRoundingReference) {
  const incept::Shape shape{2, 3, 40, 40};
  incept_engine_options o = HostOptions();
  o.precision = INCEPT_PRECISION_FP16;
  o.seed = 9;
  incept::Graph graph = incept::LoadGraph(kGoogLeNet);
  incept::EngineOptions options;
  options.backend = "host";
  options.precision = incept::Precision::kFp16;
  incept::Engine cpp(graph, incept::RandomWeights(graph, 9), options);
  const std::vector<float> x = RandomInput(shape, 3);
  const std::vector<float> want = CppRun(cpp, shape, x);
  const std::vector<float> got = CRun(kGoogLeNet, o, shape, x, want.size());
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(0, std::memcmp(got.data(), want.data(), want.size() * sizeof(float)));
}

TEST(CapiFormats, EngineFileLoadsItsPlansAndPrecision) {
  const incept::Shape shape{2, 3, 40, 40};
  incept::Graph graph = incept::LoadGraph(kGoogLeNet);
  incept::EngineOptions options;
  options.backend = "host";
  options.precision = incept::Precision::kBf16;
  incept::Engine cpp(graph, incept::RandomWeights(graph, 4), options);
  const std::string path =
      ::testing::TempDir() + "/capi_formats_" + std::to_string(getpid()) + ".incept";
  cpp.Save(path, {shape});
  const std::vector<float> x = RandomInput(shape, 5);
  const std::vector<float> want = CppRun(cpp, shape, x);
  // AUTO (the options' default backend) means the backend the file was built for; the
  // precision is the file's (fp32 in the options is "not asked").
  incept_engine_options o;
  incept_engine_options_init(&o);
  const std::vector<float> got = CRun(path, o, shape, x, want.size());
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(0, std::memcmp(got.data(), want.data(), want.size() * sizeof(float)));

  // Another precision than the file's is refused, naming both.
  o.precision = INCEPT_PRECISION_FP16;
  incept_engine* engine = nullptr;
  EXPECT_EQ(incept_engine_create(path.c_str(), nullptr, &o, &engine), INCEPT_ERROR_INVALID_MODEL);
  EXPECT_NE(std::string(incept_last_error_message()).find("built for precision bf16, not fp16"),
            std::string::npos)
      << incept_last_error_message();
  EXPECT_EQ(engine, nullptr);
  std::remove(path.c_str());
}

TEST(CapiFormats, OnnxBringsItsWeights) {
  const std::string model = std::string(INCEPT_SOURCE_DIR) + "/fuzz/corpus/onnx/tiny_opset11.onnx";
  incept::OnnxModel onnx = incept::LoadOnnx(model);
  const incept::Shape shape = onnx.graph.nodes.at(onnx.graph.InputIndices().at(0)).shape;
  incept::EngineOptions options;
  options.backend = "host";
  incept::Engine cpp(onnx.graph, onnx.weights, options);
  const std::vector<float> x = RandomInput(shape, 6);
  const std::vector<float> want = CppRun(cpp, shape, x);
  const std::vector<float> got = CRun(model, HostOptions(), shape, x, want.size());
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(0, std::memcmp(got.data(), want.data(), want.size() * sizeof(float)));
}

}  // namespace

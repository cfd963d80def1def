// Timing cache (graph/planner/timing_cache.h): layer signatures key equal layers of
// different models alike and separate any difference in op, attribute, shape, element
// type, layout or stride; entries persist, merge across saves, are keyed by device; a
// corrupted file is a clear error.
#include "graph/planner/timing_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "graph/error.h"
#include "graph/json_io.h"

namespace incept {
namespace {

// Input (1, 4, H, W) -> conv "c" (4 -> 8, 3x3, stride s, pad 1) -> relu.
Graph ConvModel(const std::string& prefix, int h, int stride = 1, int kernel = 3) {
  const std::string pad = std::to_string(kernel / 2);
  const std::string text = R"({"format": "incept-graph", "version": 1, "name": ")" + prefix +
                           R"(", "nodes": [
    {"name": ")" + prefix + R"(in", "op": "Input", "attrs": {"shape": [1, 4, )" +
                           std::to_string(h) + ", " + std::to_string(h) + R"(]}},
    {"name": ")" + prefix + R"(c", "op": "Conv2d", "inputs": [")" +
                           prefix + R"(in"],
     "attrs": {"in_channels": 4, "out_channels": 8, "kernel": [)" +
                           std::to_string(kernel) + "," + std::to_string(kernel) +
                           R"(], "stride": [)" + std::to_string(stride) + "," +
                           std::to_string(stride) + R"(], "pad": [)" + pad + "," + pad + "," + pad +
                           "," + pad +
                           R"(], "bias": true},
     "params": {"weight": ")" +
                           prefix + R"(w", "bias": ")" + prefix + R"(b"}},
    {"name": ")" + prefix + R"(r", "op": "ReLU", "inputs": [")" +
                           prefix + R"(c"]}],
    "outputs": [")" + prefix +
                           R"(r"]})";
  return GraphFromJson(text);
}

DeviceKey H200() { return {"cuda", "NVIDIA H200", "sm_90", "13.0", "13.0", "9.19.0", "13.1.0"}; }

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/" + name + "_" + std::to_string(getpid()) + ".json";
}

TEST(LayerSignature, EqualLayersOfDifferentModelsShareIt) {
  const Graph a = ConvModel("a_", 16), b = ConvModel("other_model/", 16);
  EXPECT_EQ(LayerSignature(a, 1), LayerSignature(b, 1));
  EXPECT_EQ(LayerSignature(a, 2), LayerSignature(b, 2));
  EXPECT_NE(LayerSignature(a, 1), LayerSignature(a, 2)) << "conv vs relu";
}

TEST(LayerSignature, AnyAttributeShapeTypeLayoutOrStrideDifferenceSeparates) {
  const Graph base = ConvModel("m", 16);
  const std::string sig = LayerSignature(base, 1);
  EXPECT_NE(sig, LayerSignature(ConvModel("m", 16, /*stride=*/2), 1)) << "stride attribute";
  EXPECT_NE(sig, LayerSignature(ConvModel("m", 16, 1, /*kernel=*/5), 1)) << "kernel attribute";
  EXPECT_NE(sig, LayerSignature(ConvModel("m", 17), 1)) << "input shape";
  EXPECT_NE(sig, LayerSignature(base, 1, "fp16")) << "element type";
  EXPECT_NE(sig, LayerSignature(base, 1, "fp32", "NHWC")) << "layout";
  Graph with_relu = base;
  with_relu.nodes[1].attr<Conv2dAttrs>().activation = Activation::kReLU;
  EXPECT_NE(sig, LayerSignature(with_relu, 1)) << "fused activation";
  // The same 1x1 conv writing its own buffer or into a concat slice: other batch strides.
  const Graph sliced =
      LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/fuzz/corpus/graph_json/elided_concat.json");
  const int a = sliced.IndexOf("a");
  ASSERT_GE(a, 0);
  Graph own = sliced;
  own.nodes[a].output_slice.reset();
  own.nodes[own.IndexOf("cat")].elided = false;
  own.nodes[own.IndexOf("b")].output_slice.reset();
  const std::string in_slice = LayerSignature(sliced, a), alone = LayerSignature(own, a);
  EXPECT_NE(in_slice, alone);
  EXPECT_NE(in_slice.find(" bs"), std::string::npos) << in_slice;
}

TEST(TimingCache, FindsByDeviceAndSignature) {
  TimingCache cache;
  const std::string sig = LayerSignature(ConvModel("m", 16), 1);
  cache.Insert(H200(), sig, {{"cudnn/IMPLICIT_GEMM", 12.5, 0.02, 10}});
  ASSERT_TRUE(cache.Find(H200(), sig).has_value());
  EXPECT_EQ(cache.Find(H200(), sig)->at(0).median_us, 12.5);
  DeviceKey other = H200();
  other.cudnn = "9.10.1";
  EXPECT_FALSE(cache.Find(other, sig).has_value()) << "another cuDNN version";
  other = H200();
  other.device = "NVIDIA H100";
  EXPECT_FALSE(cache.Find(other, sig).has_value()) << "another device";
  EXPECT_FALSE(cache.Find(H200(), LayerSignature(ConvModel("m", 17), 1)).has_value());
}

TEST(TimingCache, PersistsAndMergesAcrossSaves) {
  const std::string path = TempPath("cache");
  std::remove(path.c_str());
  EXPECT_EQ(TimingCache::Load(path).size(), 0u) << "a missing file is an empty cache";
  const std::string s16 = LayerSignature(ConvModel("m", 16), 1);
  const std::string s17 = LayerSignature(ConvModel("m", 17), 1);
  TimingCache first;
  first.Insert(H200(), s16, {{"x", 1.0, 0.01, 5}, {"y", 2.0, 0.02, 5}});
  first.Save(path);
  TimingCache second;  // another process, another model
  second.Insert(H200(), s17, {{"z", 3.0, 0.0, 7}});
  second.Save(path);
  const TimingCache loaded = TimingCache::Load(path);
  EXPECT_EQ(loaded.size(), 2u);
  ASSERT_TRUE(loaded.Find(H200(), s16).has_value());
  EXPECT_EQ(*loaded.Find(H200(), s16),
            (std::vector<TacticCandidate>{{"x", 1.0, 0.01, 5}, {"y", 2.0, 0.02, 5}}));
  EXPECT_EQ(loaded.Find(H200(), s17)->at(0).samples, 7);
  std::remove(path.c_str());
}

TEST(TimingCache, CorruptedFileIsAClearError) {
  const std::string path = TempPath("broken");
  for (
      const std::string& text :
      {std::string("{\"format\": \"incept-timing-cache\", \"vers"), std::string("[]"),
       std::string(R"({"format": "incept-timing-cache", "version": 9, "devices": []})"),
       std::string(
           R"({"format": "incept-timing-cache", "version": 1, "devices": [{"device": {}, "layers": {}}]})")}) {
    std::ofstream(path) << text;
    try {
      TimingCache::Load(path);
      ADD_FAILURE() << "loaded: " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("delete it"), std::string::npos) << e.what();
    }
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace incept

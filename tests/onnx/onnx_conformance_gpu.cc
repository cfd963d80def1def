// ONNX backend tests on the CUDA backend (ctest label gpu): the cases that pass on the
// host (onnx_conformance_util.h: scope, skips, tolerance rtol 1e-3, atol 1e-7) must pass
// on the GPU too, fp32. Skipped without a usable device or without libonnx-testdata.
#include <gtest/gtest.h>

#include "tests/onnx/onnx_conformance_util.h"

namespace incept::testing {
namespace {

// True when an "auto" engine picks the CUDA backend (a usable device is present).
bool CudaUsable() {
  Graph g;
  Node in;
  in.name = "x";
  in.op = OpKind::kInput;
  in.attrs = InputAttrs{Shape{1, 1, 1, 1}};
  Node relu;
  relu.name = "y";
  relu.op = OpKind::kReLU;
  relu.inputs = {"x"};
  g.nodes = {in, relu};
  g.outputs = {"y"};
  InferShapes(g);
  EngineOptions o;
  o.backend = "auto";
  return Engine(g, {}, o).backend_name() == "cuda";
}

TEST(OnnxConformanceGpu, NodeTestsOnCuda) {
  if (!IsDirectory(kOnnxTestDataDir))
    GTEST_SKIP() << kOnnxTestDataDir << " not found (install libonnx-testdata)";
  if (!CudaUsable()) GTEST_SKIP() << "no usable CUDA device";
  int passed = 0;
  for (const CaseResult& r : RunOnnxNodeTests("cuda")) {
    passed += r.status == CaseStatus::kPassed;
    EXPECT_NE(r.status, CaseStatus::kFailed) << r.name << ": " << r.detail;
  }
  std::printf("%d cases passed on the CUDA backend\n", passed);
  EXPECT_GT(passed, 0);
}

}  // namespace
}  // namespace incept::testing

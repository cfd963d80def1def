// The preprocessing launcher (kernel and checks: cuda/kernels/preprocess_kernel.cuh).
#include "cuda/kernels/preprocess_kernel.cuh"
#include "cuda/preprocess.cuh"

namespace incept {
namespace cuda {

void PreprocessForward(const uint8_t* images, int64_t image_stride, const float* mean,
                       const float* std, simt::TensorRef out, cudaStream_t stream) {
  simt::RequirePointer("Preprocess", "mean", mean);
  simt::RequirePointer("Preprocess", "std", std);
  if (out.shape.c > simt::kMaxImageChannels) simt::Fail("Preprocess", "more than 4 channels");
  simt::ImageNormalization norm;
  for (int64_t c = 0; c < out.shape.c; ++c) {
    norm.mean[c] = mean[c];
    norm.std[c] = std[c];
  }
  simt::LaunchPreprocess(images, image_stride, norm, out, stream);
}

}  // namespace cuda
}  // namespace incept

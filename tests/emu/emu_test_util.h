// Helpers for the kernel tests (emu and gpu): seeded random tensors, output buffers that are
// channel slices of a larger sentinel-filled buffer, and a comparison by normalised error
// that writes both tensors to a file on failure.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "cuda/kernels/tensor_ref.h"

namespace incept {
namespace testing_util {

inline std::vector<float> RandomVector(size_t count, uint32_t seed, float lo = -1.0f,
                                       float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(count);
  for (float& x : v) x = dist(rng);
  return v;
}

// A dense tensor of random values.
struct HostTensor {
  Shape shape;
  std::vector<float> values;
  HostTensor(Shape s, uint32_t seed, float lo = -1.0f, float hi = 1.0f)
      : shape(s), values(RandomVector(static_cast<size_t>(s.elements()), seed, lo, hi)) {}
  simt::ConstTensorRef ref() const { return simt::Dense(values.data(), shape); }
  float at(int64_t n, int64_t c, int64_t h, int64_t w) const {
    return values[static_cast<size_t>(((n * shape.c + c) * shape.h + h) * shape.w + w)];
  }
};

constexpr float kSentinel = -12345.0f;

// Channels [offset, offset + shape.c) of a buffer with total_channels channels, the rest
// holding kSentinel, so a kernel that writes outside its slice is caught.
struct SliceOutput {
  Shape shape;
  int64_t offset, total_channels;
  std::vector<float> storage;
  SliceOutput(Shape s, int64_t channel_offset = 0, int64_t extra_channels = 0)
      : shape(s),
        offset(channel_offset),
        total_channels(channel_offset + s.c + extra_channels),
        storage(static_cast<size_t>(s.n * total_channels * s.plane()), kSentinel) {}
  simt::TensorRef ref() {
    return {storage.data() + offset * shape.plane(), shape, total_channels * shape.plane()};
  }
  float at(int64_t n, int64_t c, int64_t h, int64_t w) const {
    return storage[static_cast<size_t>(((n * total_channels + offset + c) * shape.h + h) * shape.w +
                                       w)];
  }
  // The slice as a dense vector.
  std::vector<float> Dense() const {
    std::vector<float> v;
    v.reserve(static_cast<size_t>(shape.elements()));
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < shape.c; ++c)
        for (int64_t h = 0; h < shape.h; ++h)
          for (int64_t w = 0; w < shape.w; ++w) v.push_back(at(n, c, h, w));
    return v;
  }
  // Every value outside the slice is still the sentinel.
  bool OutsideUntouched() const {
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < total_channels; ++c) {
        if (c >= offset && c < offset + shape.c) continue;
        for (int64_t i = 0; i < shape.plane(); ++i)
          if (storage[static_cast<size_t>((n * total_channels + c) * shape.plane() + i)] !=
              kSentinel)
            return false;
      }
    return true;
  }
};

// Passes when sqrt(sum (got-want)^2 / sum want^2) <= rel_tol (absolute when want is 0) and
// nothing is NaN. On failure writes both tensors (one value a line) to a file and says where.
inline ::testing::AssertionResult Close(const std::string& name, const std::vector<float>& got,
                                        const std::vector<double>& want, double rel_tol) {
  if (got.size() != want.size())
    return ::testing::AssertionFailure()
           << name << ": size " << got.size() << " vs " << want.size();
  double err = 0.0, ref = 0.0, max_abs = 0.0;
  size_t worst = 0;
  bool nan = false;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i]) != std::isnan(want[i])) nan = true;
    const double d = std::isnan(want[i]) ? 0.0 : got[i] - want[i];
    err += d * d;
    if (!std::isnan(want[i])) ref += want[i] * want[i];
    if (std::fabs(d) > max_abs) max_abs = std::fabs(d), worst = i;
  }
  const double rel = std::sqrt(err / (ref > 0.0 ? ref : 1.0));
  if (!nan && rel <= rel_tol && !std::isnan(rel)) return ::testing::AssertionSuccess();
  std::string file = name;
  for (char& ch : file)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  const std::string path = ::testing::TempDir() + "incept_" + file + ".txt";
  std::ofstream out(path);
  out << "# index got want\n";
  for (size_t i = 0; i < got.size(); ++i) out << i << " " << got[i] << " " << want[i] << "\n";
  return ::testing::AssertionFailure()
         << name << ": normalised error " << rel << " > " << rel_tol
         << (nan ? " (NaN mismatch)" : "") << ", max abs " << max_abs << " at " << worst << " (got "
         << got[worst] << ", want " << want[worst] << "); both tensors in " << path;
}

inline std::vector<double> ToDouble(const std::vector<float>& v) {
  return std::vector<double>(v.begin(), v.end());
}

}  // namespace testing_util
}  // namespace incept

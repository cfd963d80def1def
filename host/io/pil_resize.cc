#include "host/io/pil_resize.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "graph/error.h"

namespace incept {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // Pillow's PRECISION_BITS

double TriangleFilter(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}
constexpr double kTriangleSupport = 1.0;

// The taps of output indices [first, first + count) of one axis resized from in_size to
// out_size samples: for output i, weights[i * max_taps + t] multiplies input begin[i] + t.
struct AxisTaps {
  int64_t max_taps = 0;
  std::vector<int64_t> begin, taps;
  std::vector<int32_t> weights;
};

AxisTaps ComputeTaps(int64_t in_size, int64_t out_size, int64_t first, int64_t count) {
  const double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
  const double filterscale = std::max(scale, 1.0);
  const double support = kTriangleSupport * filterscale;
  AxisTaps axis;
  axis.max_taps = static_cast<int64_t>(std::ceil(support)) * 2 + 1;
  axis.begin.resize(count);
  axis.taps.resize(count);
  axis.weights.assign(count * axis.max_taps, 0);
  std::vector<double> w(axis.max_taps);
  for (int64_t i = 0; i < count; ++i) {
    const double center = (static_cast<double>(first + i) + 0.5) * scale;
    // Pillow truncates towards zero here (C casts), then clips.
    const int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(center - support + 0.5));
    const int64_t hi = std::min<int64_t>(in_size, static_cast<int64_t>(center + support + 0.5));
    const int64_t taps = std::clamp<int64_t>(hi - lo, 0, axis.max_taps);
    double sum = 0.0;
    for (int64_t t = 0; t < taps; ++t) {
      w[t] = TriangleFilter((static_cast<double>(t + lo) - center + 0.5) / filterscale);
      sum += w[t];
    }
    for (int64_t t = 0; t < taps; ++t) {
      const double normalised = sum != 0.0 ? w[t] / sum : w[t];
      const double fixed = normalised * (1 << kPrecisionBits);
      axis.weights[i * axis.max_taps + t] =
          static_cast<int32_t>(normalised < 0 ? fixed - 0.5 : fixed + 0.5);
    }
    axis.begin[i] = lo;
    axis.taps[i] = taps;
  }
  return axis;
}

uint8_t Clip8(int32_t accumulator) {
  const int32_t value = accumulator >> kPrecisionBits;  // arithmetic shift, as Pillow's table
  return static_cast<uint8_t>(std::clamp(value, 0, 255));
}

void CheckSizes(const PlanarImage8& image, int64_t out_height, int64_t out_width,
                const ResizeWindow& window) {
  if (image.channels <= 0 || image.height <= 0 || image.width <= 0 ||
      static_cast<int64_t>(image.pixels.size()) != image.channels * image.height * image.width) {
    throw Error("ResizeBilinearPil: bad input image " + std::to_string(image.channels) + "x" +
                std::to_string(image.height) + "x" + std::to_string(image.width) + " with " +
                std::to_string(image.pixels.size()) + " pixels");
  }
  if (out_height <= 0 || out_width <= 0) {
    throw Error("ResizeBilinearPil: output size " + std::to_string(out_height) + "x" +
                std::to_string(out_width) + " must be positive");
  }
  if (window.top < 0 || window.left < 0 || window.height <= 0 || window.width <= 0 ||
      window.top + window.height > out_height || window.left + window.width > out_width) {
    throw Error("ResizeBilinearPil: window rows [" + std::to_string(window.top) + ", " +
                std::to_string(window.top + window.height) + ") cols [" +
                std::to_string(window.left) + ", " + std::to_string(window.left + window.width) +
                ") is not inside the " + std::to_string(out_height) + "x" +
                std::to_string(out_width) + " output");
  }
}

}  // namespace

PlanarImage8 ResizeBilinearPil(const PlanarImage8& image, int64_t out_height, int64_t out_width,
                               const ResizeWindow& window) {
  CheckSizes(image, out_height, out_width, window);
  const bool resize_x = out_width != image.width;
  const bool resize_y = out_height != image.height;

  // Horizontal pass over the input rows the vertical pass reads (all rows when only the
  // horizontal pass runs: then the window's rows are read directly).
  const AxisTaps x_taps = ComputeTaps(image.width, out_width, window.left, window.width);
  const AxisTaps y_taps = ComputeTaps(image.height, out_height, window.top, window.height);
  int64_t row_first = window.top, row_end = window.top + window.height;
  if (resize_y) {
    row_first = y_taps.begin.front();
    row_end = y_taps.begin.back() + y_taps.taps.back();
    for (int64_t i = 0; i < window.height; ++i) {
      row_first = std::min(row_first, y_taps.begin[i]);
      row_end = std::max(row_end, y_taps.begin[i] + y_taps.taps[i]);
    }
  }
  const int64_t rows = row_end - row_first;

  PlanarImage8 wide;  // rows [row_first, row_end) of the input, at the window's columns
  wide.channels = image.channels;
  wide.height = rows;
  wide.width = window.width;
  wide.pixels.resize(image.channels * rows * window.width);
  for (int64_t c = 0; c < image.channels; ++c) {
    for (int64_t y = 0; y < rows; ++y) {
      const uint8_t* src = &image.pixels[(c * image.height + row_first + y) * image.width];
      uint8_t* dst = &wide.pixels[(c * rows + y) * window.width];
      for (int64_t i = 0; i < window.width; ++i) {
        if (!resize_x) {
          dst[i] = src[window.left + i];
          continue;
        }
        const int32_t* w = &x_taps.weights[i * x_taps.max_taps];
        int32_t sum = 1 << (kPrecisionBits - 1);
        for (int64_t t = 0; t < x_taps.taps[i]; ++t) sum += src[x_taps.begin[i] + t] * w[t];
        dst[i] = Clip8(sum);
      }
    }
  }
  if (!resize_y) return wide;  // rows == window.height, starting at window.top

  PlanarImage8 out;
  out.channels = image.channels;
  out.height = window.height;
  out.width = window.width;
  out.pixels.resize(image.channels * window.height * window.width);
  for (int64_t c = 0; c < image.channels; ++c) {
    for (int64_t i = 0; i < window.height; ++i) {
      const int32_t* w = &y_taps.weights[i * y_taps.max_taps];
      const int64_t first_row = y_taps.begin[i] - row_first;
      uint8_t* dst = &out.pixels[(c * window.height + i) * window.width];
      for (int64_t x = 0; x < window.width; ++x) {
        int32_t sum = 1 << (kPrecisionBits - 1);
        for (int64_t t = 0; t < y_taps.taps[i]; ++t) {
          sum += wide.pixels[(c * rows + first_row + t) * window.width + x] * w[t];
        }
        dst[x] = Clip8(sum);
      }
    }
  }
  return out;
}

PlanarImage8 ResizeBilinearPil(const PlanarImage8& image, int64_t out_height, int64_t out_width) {
  return ResizeBilinearPil(image, out_height, out_width, ResizeWindow{0, 0, out_height, out_width});
}

}  // namespace incept

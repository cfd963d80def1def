// See non_finite.h.
#include "host/io/non_finite.h"

#include <cmath>

namespace incept {

std::vector<NonFiniteTensor> FindNonFiniteTensors(const WeightMap& weights) {
  std::vector<NonFiniteTensor> found;
  for (const auto& [name, tensor] : weights) {  // std::map: name order
    NonFiniteTensor entry{name};
    for (size_t i = 0; i < tensor.data.size(); ++i) {
      const float v = tensor.data[i];
      if (std::isfinite(v)) continue;
      (std::isnan(v) ? entry.nans : entry.infinities) += 1;
      if (entry.first_index < 0) entry.first_index = static_cast<int64_t>(i);
    }
    if (entry.first_index >= 0) found.push_back(std::move(entry));
  }
  return found;
}

std::string Describe(const NonFiniteTensor& tensor, int64_t elements) {
  return "tensor \"" + tensor.name + "\" holds " + std::to_string(tensor.nans) + " NaN and " +
         std::to_string(tensor.infinities) + " Inf of " + std::to_string(elements) +
         " values (first at element " + std::to_string(tensor.first_index) + ")";
}

}  // namespace incept

#include "graph/planner/tactic_select.h"

#include <algorithm>
#include <cmath>

#include "graph/error.h"

namespace incept {
namespace {

// Linear interpolation between order statistics of sorted samples, q in [0, 1].
double Quantile(const std::vector<double>& sorted, double q) {
  const double at = q * (sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(at));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

}  // namespace

double Median(std::vector<double> samples) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  return Quantile(samples, 0.5);
}

double Spread(std::vector<double> samples) {
  if (samples.size() < 2) return 0;
  std::sort(samples.begin(), samples.end());
  const double median = Quantile(samples, 0.5);
  if (median <= 0) return 0;
  return (Quantile(samples, 0.9) - Quantile(samples, 0.1)) / median;
}

Selection SelectTactic(const std::vector<std::string>& names, TacticTimer& timer,
                       const SelectionOptions& options) {
  if (names.empty()) throw Error("SelectTactic: no candidates");
  if (options.min_rounds < 1 || options.max_rounds < options.min_rounds)
    throw Error("SelectTactic: need 1 <= min_rounds <= max_rounds");
  const int n = static_cast<int>(names.size());
  std::vector<std::vector<double>> samples(n);
  Selection result;
  for (int round = 0; round < options.max_rounds; ++round) {
    for (int k = 0; k < n; ++k) {
      const int index = (round + k) % n;  // rotated order
      samples[index].push_back(timer.TimeUs(index));
    }
    result.rounds = round + 1;
    if (result.rounds < options.min_rounds) continue;
    bool stable = true;
    for (const auto& s : samples) stable &= Spread(s) <= options.stable_spread;
    result.stable = stable;
    if (stable || n == 1) break;
  }
  result.candidates.resize(n);
  for (int i = 0; i < n; ++i)
    result.candidates[i] = {names[i], Median(samples[i]), Spread(samples[i]),
                            static_cast<int>(samples[i].size())};
  const TacticCandidate& incumbent = result.candidates[0];
  double best = incumbent.median_us;
  for (int i = 1; i < n; ++i) {
    const TacticCandidate& c = result.candidates[i];
    if (BeatsIncumbent(incumbent, c) && c.median_us < best) {
      best = c.median_us;
      result.chosen = i;
    }
  }
  return result;
}

bool BeatsIncumbent(const TacticCandidate& incumbent, const TacticCandidate& challenger) {
  const double noise = std::max(incumbent.spread, challenger.spread) * incumbent.median_us;
  return challenger.median_us < incumbent.median_us - noise;
}

}  // namespace incept

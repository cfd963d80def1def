// Tactic selection by timing in context (DESIGN.md §11): which of several candidates to
// run, measured so the choice holds inside the real plan.
//
// A TacticTimer measures one candidate the way it will run: for a per-node choice, the
// whole plan's concurrent replay with that candidate swapped in at the node (the others at
// their current choice), so a candidate that is fast alone but starves the concurrent
// branches loses; for choices that interact, a whole plan per candidate (A/B). The
// selection logic below is independent of what is timed, so it is tested on the CPU with
// fake timers.
//
// Rounds: each round takes one sample of every candidate, in an order rotated each round
// (drift and warm-up spread over all). After min_rounds, it stops once every candidate's
// spread is at most stable_spread, or after max_rounds. Spread = (p90 - p10) / median of
// a candidate's samples (0 with fewer than 2).
//
// Choice: candidate 0 is the incumbent (today's choice). Another candidate replaces it
// only if its median is below the incumbent's by more than the larger of the two spreads
// (times the incumbent's median): within noise, the incumbent stays, so the result is
// never measurably slower than the incumbent. Among challengers that clear the bar, the
// lowest median wins.
#pragma once

#include <string>
#include <vector>

#include "graph/planner/tactic.h"

namespace incept {

class TacticTimer {
 public:
  virtual ~TacticTimer() = default;
  // One sample of candidate `index`, in microseconds (one replay or the mean of a few).
  virtual double TimeUs(int index) = 0;
};

struct SelectionOptions {
  int min_rounds = 5;
  int max_rounds = 30;
  double stable_spread = 0.03;  // 3%
};

struct Selection {
  int chosen = 0;                           // index into the candidates
  std::vector<TacticCandidate> candidates;  // name, median, spread and samples of each
  int rounds = 0;
  bool stable = false;  // every spread <= stable_spread when it stopped
};

// Throws Error if `names` is empty or the options are inconsistent.
Selection SelectTactic(const std::vector<std::string>& names, TacticTimer& timer,
                       const SelectionOptions& options = {});

// The choice rule above for one challenger: its median below the incumbent's by more than
// the larger spread times the incumbent's median.
bool BeatsIncumbent(const TacticCandidate& incumbent, const TacticCandidate& challenger);

// The median and spread of samples, as defined above.
double Median(std::vector<double> samples);
double Spread(std::vector<double> samples);

}  // namespace incept

// Tactic selection (graph/planner/tactic_select.h) with fake timers: the clearly faster
// candidate wins, the incumbent stays within noise, rounds stop when stable and are
// bounded, spreads are reported as defined.
#include "graph/planner/tactic_select.h"

#include <gtest/gtest.h>

#include <random>

#include "graph/error.h"

namespace incept {
namespace {

// Candidate i takes base[i] microseconds, times (1 + uniform noise in [-noise, noise]).
class FakeTimer : public TacticTimer {
 public:
  FakeTimer(std::vector<double> base, double noise) : base_(std::move(base)), noise_(noise) {}
  double TimeUs(int index) override {
    ++calls;
    order.push_back(index);
    std::uniform_real_distribution<double> u(-noise_, noise_);
    return base_.at(index) * (1 + u(rng_));
  }
  int calls = 0;
  std::vector<int> order;

 private:
  std::vector<double> base_;
  double noise_;
  std::mt19937 rng_{42};
};

TEST(SelectTactic, ClearlyFasterCandidateWins) {
  FakeTimer timer({100, 120, 80, 95}, 0.01);
  const Selection s = SelectTactic({"today", "b", "c", "d"}, timer);
  EXPECT_EQ(s.chosen, 2);
  ASSERT_EQ(s.candidates.size(), 4u);
  EXPECT_NEAR(s.candidates[2].median_us, 80, 1.0);
  EXPECT_EQ(s.candidates[2].name, "c");
  EXPECT_TRUE(s.stable);
}

TEST(SelectTactic, IncumbentStaysWithinNoise) {
  // The challenger is 2% faster on average but the samples spread 10%: not a real win.
  FakeTimer timer({100, 98}, 0.05);
  const Selection s = SelectTactic({"today", "other"}, timer);
  EXPECT_EQ(s.chosen, 0);
  EXPECT_GT(s.candidates[1].spread, 0.03);
}

TEST(SelectTactic, StopsWhenStableAndIsBounded) {
  FakeTimer quiet({10, 20}, 0.0);
  SelectionOptions options;
  options.min_rounds = 3;
  options.max_rounds = 50;
  Selection s = SelectTactic({"a", "b"}, quiet, options);
  EXPECT_EQ(s.rounds, 3);
  EXPECT_EQ(quiet.calls, 6);
  EXPECT_TRUE(s.stable);
  EXPECT_EQ(s.candidates[0].spread, 0);

  FakeTimer noisy({10, 20}, 0.5);
  options.max_rounds = 7;
  s = SelectTactic({"a", "b"}, noisy, options);
  EXPECT_EQ(s.rounds, 7);
  EXPECT_EQ(noisy.calls, 14);
  EXPECT_FALSE(s.stable);
  EXPECT_EQ(s.candidates[1].samples, 7);
}

TEST(SelectTactic, RotatesTheOrderEachRound) {
  FakeTimer timer({1, 1, 1}, 0.0);
  SelectionOptions options;
  options.min_rounds = options.max_rounds = 3;
  SelectTactic({"a", "b", "c"}, timer, options);
  EXPECT_EQ(timer.order, (std::vector<int>{0, 1, 2, 1, 2, 0, 2, 0, 1}));
}

TEST(SelectTactic, MedianAndSpreadAsDefined) {
  EXPECT_DOUBLE_EQ(Median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(Median({4, 1, 2, 3}), 2.5);
  // Sorted 1..11: p10 = 2, p90 = 10, median 6: spread 8 / 6.
  std::vector<double> v;
  for (int i = 11; i >= 1; --i) v.push_back(i);
  EXPECT_DOUBLE_EQ(Spread(v), 8.0 / 6.0);
  EXPECT_EQ(Spread({5}), 0);
  FakeTimer timer({1}, 0);
  EXPECT_THROW(SelectTactic({}, timer), Error);
  SelectionOptions bad;
  bad.min_rounds = 5;
  bad.max_rounds = 2;
  EXPECT_THROW(SelectTactic({"a"}, timer, bad), Error);
}

}  // namespace
}  // namespace incept

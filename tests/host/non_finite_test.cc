// FindNonFiniteTensors: names exactly the tensors holding NaN or Inf, with their counts.
#include "host/io/non_finite.h"

#include <gtest/gtest.h>

#include <limits>

namespace incept {
namespace {

TEST(NonFinite, NamesTheTensorsHoldingNanOrInfWithCounts) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  WeightMap weights;
  weights["a.finite"] = Tensor({3});
  weights["a.finite"].data = {1.0f, -3e38f, std::numeric_limits<float>::denorm_min()};
  weights["b.nan"] = Tensor({2, 2});
  weights["b.nan"].data = {0.0f, nan, 2.0f, nan};
  weights["c.inf"] = Tensor({2});
  weights["c.inf"].data = {-inf, inf};
  weights["d.empty"] = Tensor({0});

  const std::vector<NonFiniteTensor> found = FindNonFiniteTensors(weights);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].name, "b.nan");
  EXPECT_EQ(found[0].nans, 2);
  EXPECT_EQ(found[0].infinities, 0);
  EXPECT_EQ(found[0].first_index, 1);
  EXPECT_EQ(found[1].name, "c.inf");
  EXPECT_EQ(found[1].nans, 0);
  EXPECT_EQ(found[1].infinities, 2);
  EXPECT_EQ(found[1].first_index, 0);
  EXPECT_EQ(Describe(found[0], 4),
            "tensor \"b.nan\" holds 2 NaN and 0 Inf of 4 values (first at element 1)");
}

TEST(NonFinite, NothingToReportForFiniteWeights) {
  WeightMap weights;
  weights["w"] = Tensor({4});
  EXPECT_TRUE(FindNonFiniteTensors(weights).empty());
}

}  // namespace
}  // namespace incept

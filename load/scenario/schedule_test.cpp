#include "load/scenario/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace neuro::load {
namespace {

TEST(RateCurve, ConstantRateIsEvenlySpaced) {
  const RateCurve c(200, {{2.0, 200}});
  for (std::int64_t k = 0; k < 400; ++k) {
    ASSERT_TRUE(c.time_of(k).has_value());
    EXPECT_NEAR(*c.time_of(k), static_cast<double>(k) / 200.0, 1e-12);
  }
  EXPECT_FALSE(c.time_of(400).has_value());  // 2 s at 200/s: arrivals 0..399
}

TEST(RateCurve, RampMatchesNumericIntegration) {
  // 0 -> 1000/s over 4 s, hold 2 s, jump to 50/s for 1 s.
  const RateCurve c(0, {{4.0, 1000}, {2.0, 1000}, {0.0, 50}, {1.0, 50}});
  EXPECT_DOUBLE_EQ(c.duration_s(), 7.0);
  EXPECT_DOUBLE_EQ(c.peak_rate(), 1000.0);
  // Reference: the rate integrated by the midpoint rule on a fine grid.
  auto integral = [&](double t) {
    const int n = 200000;
    double sum = 0;
    for (int i = 0; i < n; ++i) sum += c.rate_at((i + 0.5) * t / n) * t / n;
    return sum;
  };
  for (double t : {0.5, 3.9, 4.0, 5.5, 6.0, 6.7}) {
    EXPECT_NEAR(c.arrivals_until(t), integral(t), 0.05) << t;
  }
  EXPECT_NEAR(c.arrivals_until(7.0), 2000 + 2000 + 50, 1e-9);
  for (std::int64_t k : {1, 10, 1999, 2000, 3999, 4000, 4049}) {
    const auto t = c.time_of(k);
    ASSERT_TRUE(t.has_value()) << k;
    EXPECT_NEAR(c.arrivals_until(*t), static_cast<double>(k), 1e-6) << k;
  }
  EXPECT_FALSE(c.time_of(4050).has_value());
}

TEST(Lanes, ShardsAndThreadsPartitionTheRun) {
  for (int shards : {1, 2, 3}) {
    for (int threads : {1, 2, 4}) {
      std::multiset<std::int64_t> seen;
      for (int s = 0; s < shards; ++s) {
        for (int t = 0; t < threads; ++t) {
          const Lane lane{s, shards, t, threads};
          for (std::int64_t k = lane.first(); k < 1000; k += lane.stride()) {
            EXPECT_TRUE(lane.owns(k));
            seen.insert(k);
          }
        }
      }
      ASSERT_EQ(seen.size(), 1000u);
      for (std::int64_t k = 0; k < 1000; ++k) EXPECT_EQ(seen.count(k), 1u);
    }
  }
}

TEST(Lanes, UserStartTimesSplitWithoutLoss) {
  std::multiset<double> all;
  for (int s = 0; s < 2; ++s) {
    for (int t = 0; t < 3; ++t) {
      for (double start : user_start_times(10, 9.0, Lane{s, 2, t, 3})) all.insert(start);
    }
  }
  std::multiset<double> expected;
  for (int u = 0; u < 10; ++u) expected.insert(9.0 * u / 10);
  EXPECT_EQ(all, expected);
}

TEST(StressStages, StepUpToTheMaximum) {
  Executor e;
  e.kind = ExecutorKind::kStress;
  e.start_rate = 100;
  e.step_rate = 50;
  e.max_rate = 250;
  e.step_duration_s = 2;
  EXPECT_EQ(stress_stage_rates(e), (std::vector<double>{100, 150, 200, 250}));
  // As many stages as the planned duration counts.
  EXPECT_DOUBLE_EQ(static_cast<double>(stress_stage_rates(e).size()) * e.step_duration_s,
                   planned_duration_s(e));
  e.max_rate = 240;  // not on a step: the last stage stays below it
  EXPECT_EQ(stress_stage_rates(e), (std::vector<double>{100, 150, 200}));
  EXPECT_DOUBLE_EQ(static_cast<double>(stress_stage_rates(e).size()) * e.step_duration_s,
                   planned_duration_s(e));
  e.step_rate = 0.1;  // steps that do not add up exactly in binary still reach max_rate
  e.start_rate = 0.1;
  e.max_rate = 1.0;
  EXPECT_EQ(stress_stage_rates(e).size(), 10u);
}

}  // namespace
}  // namespace neuro::load

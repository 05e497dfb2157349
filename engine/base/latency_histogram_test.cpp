#include "engine/base/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "engine/base/errors.hpp"

namespace neuro::base {
namespace {

// Nearest-rank percentile of raw samples: the independent reference.
std::int64_t exact_percentile(std::vector<std::int64_t> values, double p) {
  std::sort(values.begin(), values.end());
  const auto rank = std::max<std::size_t>(
      1,
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size()) - 1e-9)));
  return values[rank - 1];
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::int64_t v = 0; v < 2048; ++v) h.record(v);
  for (std::int64_t v = 0; v < 2048; ++v) {
    const auto i = h.index_of(v);
    EXPECT_EQ(h.lower_ns(i), v);
    EXPECT_EQ(h.upper_ns(i), v);
  }
  EXPECT_EQ(h.percentile_ns(50.0), 1023);
  EXPECT_EQ(h.count(), 2048);
}

TEST(LatencyHistogram, BucketsTileTheRangeToThreeDigits) {
  const LatencyHistogram h;
  for (std::size_t i = 1; i < h.bucket_count(); ++i) {
    ASSERT_EQ(h.lower_ns(i), h.upper_ns(i - 1) + 1) << "bucket " << i;
    const double width = static_cast<double>(h.upper_ns(i) - h.lower_ns(i) + 1);
    // Exact up to 2047 ns; above, a bucket is narrower than 1/1000 of the values it holds.
    if (width > 1) {
      ASSERT_LE(width / static_cast<double>(h.lower_ns(i)), 1e-3) << "bucket " << i;
    }
  }
  EXPECT_GE(h.upper_ns(h.bucket_count() - 1), LatencyHistogram::kOneHourNs);
  for (std::int64_t v :
       {std::int64_t{2048}, std::int64_t{123'456'789}, LatencyHistogram::kOneHourNs}) {
    const auto i = h.index_of(v);
    EXPECT_LE(h.lower_ns(i), v);
    EXPECT_GE(h.upper_ns(i), v);
  }
}

TEST(LatencyHistogram, PercentilesWithinOneTenthPercent) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(13.0, 1.5);  // median ~0.44 ms, long tail
  std::vector<std::int64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100'000; ++i) {
    const auto v = static_cast<std::int64_t>(dist(rng));
    values.push_back(v);
    h.record(v);
  }
  for (double p : {0.0, 1.0, 50.0, 90.0, 95.0, 99.0, 99.9, 100.0}) {
    const double exact = static_cast<double>(exact_percentile(values, p));
    const double got = static_cast<double>(h.percentile_ns(p));
    EXPECT_GE(got, exact) << "p" << p;
    EXPECT_LE(got, exact * 1.001 + 1) << "p" << p;
  }
  EXPECT_EQ(h.max_ns(), *std::max_element(values.begin(), values.end()));
  EXPECT_EQ(h.min_ns(), *std::min_element(values.begin(), values.end()));
}

TEST(LatencyHistogram, MergeEqualsRecordingInOne) {
  LatencyHistogram a, b, all;
  for (std::int64_t v = 1; v < 5'000'000; v = v * 3 / 2 + 1) {
    ((v % 2) ? a : b).record(v, v % 7 + 1);
    all.record(v, v % 7 + 1);
  }
  a.merge(b);
  ASSERT_EQ(a.count(), all.count());
  for (std::size_t i = 0; i < all.bucket_count(); ++i) ASSERT_EQ(a.count_at(i), all.count_at(i));
  EXPECT_EQ(a.percentile_ns(99.0), all.percentile_ns(99.0));
  EXPECT_DOUBLE_EQ(a.mean_ns(), all.mean_ns());
}

// Buckets are allocated at the first observation: an empty histogram still has the whole
// layout (every bucket reads 0), and merges into or from an empty one are exact.
TEST(LatencyHistogram, EmptyHistogramsMergeExactly) {
  LatencyHistogram filled, empty, into_empty, all;
  for (std::int64_t v = 3; v < 9'000'000; v = v * 5 / 3 + 7) {
    filled.record(v);
    all.record(v);
  }
  EXPECT_EQ(empty.bucket_count(), all.bucket_count());
  for (std::size_t i = 0; i < empty.bucket_count(); ++i) ASSERT_EQ(empty.count_at(i), 0);
  EXPECT_EQ(empty.percentile_ns(50.0), 0);
  filled.merge(empty);    // an empty one merged in changes nothing
  into_empty.merge(all);  // an empty one takes the other's buckets
  into_empty.merge(empty);
  for (const LatencyHistogram* h : {&filled, &into_empty}) {
    ASSERT_EQ(h->count(), all.count());
    for (std::size_t i = 0; i < all.bucket_count(); ++i) ASSERT_EQ(h->count_at(i), all.count_at(i));
    EXPECT_EQ(h->percentile_ns(90.0), all.percentile_ns(90.0));
    EXPECT_EQ(h->min_ns(), all.min_ns());
    EXPECT_EQ(h->max_ns(), all.max_ns());
  }
  into_empty.record(42);  // its own buckets, not the other's
  EXPECT_EQ(all.count_at(all.index_of(42)) + 1, into_empty.count_at(all.index_of(42)));
}

TEST(LatencyHistogram, OutOfRangeIsCountedNotRecorded) {
  LatencyHistogram h(1'000'000);
  EXPECT_FALSE(h.record(-1));
  EXPECT_FALSE(h.record(1'000'001));
  EXPECT_TRUE(h.record(1'000'000));
  EXPECT_EQ(h.count(), 1);
  EXPECT_EQ(h.out_of_range(), 2);
}

TEST(LatencyHistogram, RejectsBadArguments) {
  EXPECT_THROW(LatencyHistogram(1'000, 3), InvalidArgument);
  EXPECT_THROW(LatencyHistogram(LatencyHistogram::kOneHourNs, 0), InvalidArgument);
  LatencyHistogram a, b(1'000'000);
  EXPECT_THROW(a.merge(b), InvalidArgument);
  EXPECT_THROW((void)a.percentile_ns(101.0), InvalidArgument);
  EXPECT_EQ(a.percentile_ns(50.0), 0);
}

}  // namespace
}  // namespace neuro::base

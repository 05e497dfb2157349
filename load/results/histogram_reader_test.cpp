#include "load/results/histogram_reader.hpp"

#include <gtest/gtest.h>

#include <random>

#include "engine/base/errors.hpp"

namespace neuro::load {
namespace {

using base::LatencyHistogram;

// Serialises the way the schema says (nonzero buckets only): the writer's side, done here
// by hand from the LatencyHistogram API.
nlohmann::json to_json(const LatencyHistogram& h, double sum_ns) {
  nlohmann::json buckets = nlohmann::json::array();
  for (std::size_t i = 0; i < h.bucket_count(); ++i) {
    if (h.count_at(i)) buckets.push_back({i, h.count_at(i)});
  }
  return {{"unit", "ns"},
          {"significant_digits", h.significant_digits()},
          {"highest_ns", h.highest_ns()},
          {"count", h.count()},
          {"min_ns", h.min_ns()},
          {"max_ns", h.max_ns()},
          {"sum_ns", sum_ns},
          {"buckets", buckets}};
}

TEST(HistogramReader, EmptyAddsNothingInAnyLayout) {
  LatencyHistogram three(LatencyHistogram::kOneHourNs, 3), two(LatencyHistogram::kOneHourNs, 2);
  two.record(5'000'000);
  HistogramParser parser;
  const auto empty = parser.parse(to_json(three, 0.0), "empty");
  EXPECT_NO_THROW(add_to(empty, two));
  EXPECT_EQ(two.count(), 1);
  // A non-empty one of another layout is still refused.
  three.record(1'000);
  EXPECT_THROW(add_to(parser.parse(to_json(three, 1000.0), "three"), two), base::InvalidArgument);
}

// Rebuilding from [index, count] pairs gives the histogram that was written: same counts in
// every bucket, same min and max, hence the same percentile at every p.
TEST(HistogramReader, RoundTripKeepsBucketsMinMax) {
  for (const int digits : {2, 3, 4}) {
    std::mt19937_64 rng(11 + digits);
    std::lognormal_distribution<double> dist(14.0, 1.2);
    LatencyHistogram original(LatencyHistogram::kOneHourNs, digits);
    double sum = 0.0;
    for (int i = 0; i < 20'000; ++i) {
      const auto v = static_cast<std::int64_t>(dist(rng));
      original.record(v);
      sum += static_cast<double>(v);
    }
    const SparseHistogram data = HistogramParser().parse(to_json(original, sum), "h");
    const LatencyHistogram rebuilt = data.to_histogram();
    ASSERT_EQ(rebuilt.bucket_count(), original.bucket_count());
    for (std::size_t i = 0; i < original.bucket_count(); ++i) {
      ASSERT_EQ(rebuilt.count_at(i), original.count_at(i)) << "bucket " << i;
    }
    EXPECT_EQ(rebuilt.min_ns(), original.min_ns());
    EXPECT_EQ(rebuilt.max_ns(), original.max_ns());
    for (double p = 0.0; p <= 100.0; p += 0.5) {
      ASSERT_EQ(rebuilt.percentile_ns(p), original.percentile_ns(p)) << "p" << p;
    }
    EXPECT_EQ(rebuilt.percentile_ns(99.9), original.percentile_ns(99.9));
    EXPECT_DOUBLE_EQ(data.mean_ns(), sum / 20'000.0);
  }
}

// One observation, or min and max in one bucket, still rebuilds exactly.
TEST(HistogramReader, SingleBucketKeepsMinAndMax) {
  LatencyHistogram one;
  one.record(5'000'123);
  EXPECT_EQ(HistogramParser().parse(to_json(one, 5'000'123.0), "h").to_histogram().max_ns(),
            5'000'123);
  LatencyHistogram two;
  two.record(5'000'100);
  two.record(5'000'900);
  two.record(5'000'500);
  ASSERT_EQ(two.index_of(5'000'100), two.index_of(5'000'900));
  const LatencyHistogram rebuilt = HistogramParser().parse(to_json(two, 0.0), "h").to_histogram();
  EXPECT_EQ(rebuilt.count(), 3);
  EXPECT_EQ(rebuilt.min_ns(), 5'000'100);
  EXPECT_EQ(rebuilt.max_ns(), 5'000'900);
  EXPECT_EQ(rebuilt.percentile_ns(100.0), 5'000'900);
}

TEST(HistogramReader, MergeOfRebuiltIsTheWhole) {
  LatencyHistogram a, b, all;
  for (std::int64_t v = 1000; v < 3'000'000; v += 7919) {
    (v % 2 ? a : b).record(v);
    all.record(v);
  }
  LatencyHistogram merged;
  add_to(HistogramParser().parse(to_json(a, 0.0), "a"), merged);
  add_to(HistogramParser().parse(to_json(b, 0.0), "b"), merged);
  for (const double p : {50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(merged.percentile_ns(p), all.percentile_ns(p)) << p;
  }
  EXPECT_EQ(merged.min_ns(), all.min_ns());
}

TEST(HistogramReader, AddToRefusesAnotherLayout) {
  LatencyHistogram h(LatencyHistogram::kOneHourNs, 2);
  h.record(10);
  LatencyHistogram target;  // 3 digits
  EXPECT_THROW(add_to(HistogramParser().parse(to_json(h, 10.0), "h"), target),
               base::InvalidArgument);
}

TEST(HistogramReader, EmptyHistogram) {
  const LatencyHistogram empty;
  const SparseHistogram data = HistogramParser().parse(to_json(empty, 0.0), "h");
  EXPECT_EQ(data.count, 0);
  EXPECT_EQ(data.to_histogram().percentile_ns(99.0), 0);
}

}  // namespace
}  // namespace neuro::load

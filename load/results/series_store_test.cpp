// SeriesStore against a reference built independently: every second's samples kept in full and
// merged into windows of the expected width by recording them into one LatencyHistogram.
#include "load/results/series_store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "engine/base/errors.hpp"

namespace neuro::load {
namespace {

using base::LatencyHistogram;

// Latencies of one second: a log-normal spread, so neighbouring seconds share most buckets but
// not all (as real seconds do).
std::vector<std::int64_t> second_samples(std::mt19937_64& rng, int n) {
  std::lognormal_distribution<double> ms(0.0, 0.8);
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back(static_cast<std::int64_t>(ms(rng) * 1e6) + 1000);
  return out;
}

IntervalStats point_of(const std::vector<std::int64_t>& samples, std::int64_t errors) {
  LatencyHistogram h(LatencyHistogram::kOneHourNs, kSeriesSignificantDigits);
  for (auto v : samples) h.record(v);
  IntervalStats p;
  p.requests = static_cast<std::int64_t>(samples.size()) + errors;
  p.errors = errors;
  p.latency = SparseHistogram::from(h);
  return p;
}

struct Reference {
  std::map<std::int64_t, std::vector<std::int64_t>> samples;  // second -> latencies
  std::map<std::int64_t, std::int64_t> errors;
};

// What the store should hold at `width`: each window's samples recorded afresh.
void expect_matches(const SeriesStore& store, const Reference& ref, std::int64_t width) {
  ASSERT_EQ(store.resolution_s(), width);
  std::map<std::int64_t, std::vector<std::int64_t>> windows;
  std::map<std::int64_t, std::int64_t> errors;
  for (const auto& [t, s] : ref.samples) {
    auto& w = windows[t - t % width];
    w.insert(w.end(), s.begin(), s.end());
    errors[t - t % width] += ref.errors.at(t);
  }
  ASSERT_EQ(store.points().size(), windows.size());
  std::size_t buckets = 0;
  for (const auto& [t, samples] : windows) {
    const auto it = store.points().find(t);
    ASSERT_NE(it, store.points().end()) << "no point at " << t;
    const IntervalStats want = point_of(samples, errors[t]);
    EXPECT_EQ(it->second.requests, want.requests) << t;
    EXPECT_EQ(it->second.errors, want.errors) << t;
    EXPECT_EQ(it->second.latency.buckets, want.latency.buckets) << t;
    EXPECT_EQ(it->second.latency.min_ns, want.latency.min_ns) << t;
    EXPECT_EQ(it->second.latency.max_ns, want.latency.max_ns) << t;
    buckets += it->second.latency.buckets.size();
  }
  EXPECT_EQ(store.buckets(), buckets);
}

// Buckets the series would hold at `width`, from the samples.
std::size_t reference_buckets(const Reference& ref, std::int64_t width) {
  std::map<std::int64_t, std::vector<std::int64_t>> windows;
  for (const auto& [t, s] : ref.samples) {
    auto& w = windows[t - t % width];
    w.insert(w.end(), s.begin(), s.end());
  }
  std::size_t n = 0;
  for (const auto& [t, samples] : windows) n += point_of(samples, 0).latency.buckets.size();
  return n;
}

Reference fill(SeriesStore& store, int seconds, int per_second, unsigned seed) {
  std::mt19937_64 rng(seed);
  Reference ref;
  for (int t = 0; t < seconds; ++t) {
    ref.samples[t] = second_samples(rng, per_second);
    ref.errors[t] = t % 3;
    store.add(t, point_of(ref.samples[t], ref.errors[t]));
  }
  return ref;
}

TEST(SeriesStore, KeepsSecondsWithinTheBudget) {
  SeriesStore store(1'000'000);
  const auto ref = fill(store, 40, 500, 1);
  expect_matches(store, ref, 1);
}

TEST(SeriesStore, OverBudgetDoublesTheResolution) {
  SeriesStore unbounded(1'000'000);
  fill(unbounded, 100, 400, 2);
  const std::size_t per_second = unbounded.buckets() / 100;
  // Room for about 30 seconds of 1-second points.
  const std::size_t budget = per_second * 30;
  SeriesStore store(budget);
  const auto ref = fill(store, 100, 400, 2);
  const std::int64_t width = store.resolution_s();
  EXPECT_GE(width, 4);
  EXPECT_EQ(width & (width - 1), 0) << "not a power of two: " << width;
  EXPECT_LE(store.buckets(), budget);
  // It doubled no more than needed: half the width would not fit.
  EXPECT_GT(reference_buckets(ref, width / 2), budget);
  expect_matches(store, ref, width);
}

TEST(SeriesStore, SecondsArriveOutOfOrderInParts) {
  // Workers flush a second in parts and a late part may come after later seconds.
  SeriesStore store(60);
  std::mt19937_64 rng(3);
  Reference ref;
  for (int t : {0, 1, 2, 5, 3, 4, 7, 6, 2, 9, 8, 0}) {
    const auto s = second_samples(rng, 50);
    auto& all = ref.samples[t];
    all.insert(all.end(), s.begin(), s.end());
    ref.errors[t] += 1;
    store.add(t, point_of(s, 1));
  }
  ASSERT_GT(store.resolution_s(), 1);
  expect_matches(store, ref, store.resolution_s());
}

TEST(SeriesStore, CoarsenToAPointCount) {
  SeriesStore store(1'000'000);
  const auto ref = fill(store, 37, 100, 4);
  store.coarsen_to(10);
  EXPECT_LE(store.points().size(), 10u);
  expect_matches(store, ref, 4);  // 37 -> 19 -> 10 points
  const auto points = store.take_points();
  EXPECT_EQ(points.size(), 10u);
  EXPECT_TRUE(store.points().empty());
  EXPECT_EQ(store.buckets(), 0u);
}

TEST(SeriesStore, OnePointOverBudgetStaysAsItIs) {
  SeriesStore store(1);
  std::mt19937_64 rng(5);
  store.add(7, point_of(second_samples(rng, 100), 0));
  EXPECT_EQ(store.resolution_s(), 1);
  EXPECT_EQ(store.points().begin()->first, 7);
}

TEST(SeriesStore, RejectsSecondsBeforeTheStart) {
  SeriesStore store;
  EXPECT_THROW(store.add(-1, IntervalStats{}), base::InvalidArgument);
}

}  // namespace
}  // namespace neuro::load

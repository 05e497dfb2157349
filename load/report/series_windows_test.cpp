#include "load/report/series_windows.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace neuro::load_report {
namespace {

using base::LatencyHistogram;

load::SparseHistogram data_of(const std::vector<std::int64_t>& values) {
  LatencyHistogram h;
  load::SparseHistogram d;
  for (const auto v : values) h.record(v);
  d.count = h.count();
  d.min_ns = h.min_ns();
  d.max_ns = h.max_ns();
  for (std::size_t i = 0; i < h.bucket_count(); ++i) {
    if (h.count_at(i)) d.buckets.emplace_back(i, h.count_at(i));
  }
  return d;
}

load::SeriesPoint point(std::int64_t t, std::int64_t errors, const std::vector<std::int64_t>& ns) {
  load::SeriesPoint p;
  p.t_s = t;
  p.requests = static_cast<std::int64_t>(ns.size());
  p.errors = errors;
  p.latency = data_of(ns);
  return p;
}

TEST(SeriesWindows, WindowSize) {
  EXPECT_EQ(window_size(0), 1u);
  EXPECT_EQ(window_size(600), 1u);
  EXPECT_EQ(window_size(601), 2u);
  EXPECT_EQ(window_size(1300), 3u);
  EXPECT_EQ(window_size(43'200), 72u);  // a 12-hour soak: 600 windows of 72 s
}

// A phase boundary inside second 1 gives two points with t_s = 1: they are one second.
TEST(SeriesWindows, PointsOfOneSecondAreMerged) {
  const std::vector<load::SeriesPoint> series = {point(0, 0, {1000, 2000}), point(1, 1, {5000}),
                                                 point(1, 0, {3000, 4000, 9000}), point(2, 2, {})};
  const auto w = series_windows(series);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[1].t_s, 1);
  EXPECT_DOUBLE_EQ(w[1].rps, 4.0);
  EXPECT_DOUBLE_EQ(w[1].errors_per_s, 1.0);
  // Nearest rank over the merged {3000, 4000, 5000, 9000}: p99 is the max (kept exactly), p50
  // the second value, reported as the upper bound of its bucket.
  EXPECT_EQ(*w[1].p99_ns, 9000);
  EXPECT_EQ(*w[1].p50_ns, LatencyHistogram().upper_ns(LatencyHistogram().index_of(4000)));
  EXPECT_FALSE(w[2].p50_ns);  // no response in second 2: a gap, not zero
  EXPECT_DOUBLE_EQ(w[2].errors_per_s, 2.0);
  EXPECT_EQ(series_window_seconds(series), 1u);
}

// A long run's series comes coarsened (points of dt_s seconds): rates are per second of time
// covered, and the window length is in seconds.
TEST(SeriesWindows, CoarsePointsGiveRatesPerSecond) {
  std::vector<load::SeriesPoint> series = {point(0, 2, {1000, 2000, 3000, 4000}),
                                           point(4, 0, {5000})};
  for (auto& p : series) p.dt_s = 4;
  const auto w = series_windows(series);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_DOUBLE_EQ(w[0].rps, 1.0);  // 4 requests over 4 s
  EXPECT_DOUBLE_EQ(w[0].errors_per_s, 0.5);
  EXPECT_EQ(w[1].t_s, 4);
  EXPECT_DOUBLE_EQ(w[1].rps, 0.25);
  EXPECT_EQ(series_window_seconds(series), 4u);
  // 1,000 points of 4 s: windows of 2 points, 8 s.
  std::vector<load::SeriesPoint> many;
  for (std::int64_t t = 0; t < 4000; t += 4) {
    many.push_back(point(t, 0, {1000}));
    many.back().dt_s = 4;
  }
  EXPECT_EQ(series_window_seconds(many), 8u);
  EXPECT_DOUBLE_EQ(series_windows(many)[0].rps, 0.25);
}

TEST(SeriesWindows, LongRunsAreMergedIntoWindows) {
  std::vector<load::SeriesPoint> series;
  for (std::int64_t t = 0; t < 1201; ++t) series.push_back(point(t, t % 2, {1000 + t}));
  const auto w = series_windows(series);
  ASSERT_EQ(w.size(), 401u);  // windows of 3 s, the last holds 1
  EXPECT_EQ(w[1].t_s, 3);
  EXPECT_DOUBLE_EQ(w[1].rps, 1.0);
  EXPECT_DOUBLE_EQ(w[1].errors_per_s, 2.0 / 3.0);
  EXPECT_EQ(*w[1].p99_ns, 1005);  // values below 2048 are exact
  EXPECT_EQ(*w[1].p50_ns, 1004);
  EXPECT_EQ(w.back().t_s, 1200);
}

// The last second of a 10.25 s run holds a quarter second of it: its rate is per quarter
// second, not per second (no false drop at the end); a point after the end (the drain) covers
// none of the run and is marked so that charts leave it out of rates.
TEST(SeriesWindows, PartialAndDrainSecondsAtTheEnd) {
  std::vector<load::SeriesPoint> series;
  for (std::int64_t t = 0; t < 10; ++t) series.push_back(point(t, 0, {1000, 2000}));
  series.push_back(point(10, 0, {1000}));
  series.push_back(point(11, 0, {1000}));
  const auto w = series_windows(series, 10.25);
  ASSERT_EQ(w.size(), 12u);
  EXPECT_DOUBLE_EQ(w[9].rps, 2.0);
  EXPECT_DOUBLE_EQ(w[9].seconds, 1.0);
  EXPECT_DOUBLE_EQ(w[10].seconds, 0.25);
  EXPECT_DOUBLE_EQ(w[10].rps, 4.0);
  EXPECT_FALSE(w[10].drain());
  EXPECT_TRUE(w[11].drain());
  EXPECT_TRUE(w[11].p50_ns.has_value());  // its latencies still count
  // Without a duration every point covers its whole dt_s.
  EXPECT_DOUBLE_EQ(series_windows(series)[10].rps, 1.0);
}

// result.json has `iterations` only in points where one began: a second without them is 0 in a
// series that counts them, and a series that counts none (an older document) draws none.
TEST(SeriesWindows, AbsentIterationsAreZero) {
  std::vector<load::SeriesPoint> series = {point(0, 0, {1000}), point(1, 0, {1000}),
                                           point(2, 0, {1000})};
  EXPECT_FALSE(series_windows(series)[0].iterations_per_s.has_value());
  series[0].iterations = 3;
  series[2].iterations = 1;
  const auto w = series_windows(series);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_DOUBLE_EQ(*w[0].iterations_per_s, 3.0);
  EXPECT_DOUBLE_EQ(*w[1].iterations_per_s, 0.0);
  EXPECT_DOUBLE_EQ(*w[2].iterations_per_s, 1.0);
}

// A window's WebSocket percentiles come from its points' ws latencies merged, apart from the
// requests' (a ws: step's own latency is its sessions' length); a window without any has none.
TEST(SeriesWindows, WsLatencyPercentilesOfTheirOwn) {
  std::vector<load::SeriesPoint> series = {point(0, 0, {5'000'000'000}), point(1, 0, {}),
                                           point(2, 0, {})};
  series[0].ws_latency = data_of({1000, 2000, 3000});
  series[1].ws_latency = data_of({7000});
  const auto w = series_windows(series);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(*w[0].ws_p99_ns, 3000);
  EXPECT_EQ(*w[0].ws_p50_ns, LatencyHistogram().upper_ns(LatencyHistogram().index_of(2000)));
  EXPECT_EQ(*w[0].p99_ns, 5'000'000'000);  // the sessions' length stays apart
  EXPECT_EQ(*w[1].ws_p50_ns, 7000);
  EXPECT_FALSE(w[2].ws_p50_ns);
  EXPECT_FALSE(series_windows({point(0, 0, {1000})})[0].ws_p99_ns);
}

}  // namespace
}  // namespace neuro::load_report

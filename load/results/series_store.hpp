// The run's time series under a memory budget. Points start at a multiple of the resolution and
// cover that many seconds (1, 2, 4, ...); when the stored buckets pass the budget, neighbouring
// points merge pairwise and the resolution doubles, so a 12-hour soak holds no more than a
// 20-minute one (k6 keeps every sample; a 12-hour run of it was measured at ~64 GB).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "load/results/request_stats.hpp"

namespace neuro::load {

// ~16 MB of buckets: at 10k req/s a second holds ~1,000 of them, so the series keeps 1-second
// points for about 17 minutes, then 2-second points, and so on.
inline constexpr std::size_t kSeriesBucketBudget = std::size_t{1} << 20;

class SeriesStore {
 public:
  explicit SeriesStore(std::size_t bucket_budget = kSeriesBucketBudget);

  // Adds the requests that ended in `second` (>= 0) to the point covering it.
  void add(std::int64_t second, const IntervalStats& point);

  // Doubles the resolution until at most `max_points` points remain (charts need no more).
  void coarsen_to(std::size_t max_points);

  std::int64_t resolution_s() const { return resolution_s_; }
  std::size_t buckets() const { return buckets_; }
  // First second of each point (a multiple of resolution_s()) -> the point.
  const std::map<std::int64_t, IntervalStats>& points() const { return points_; }
  // Moves the points out and leaves the store empty (at the same resolution).
  std::map<std::int64_t, IntervalStats> take_points();

 private:
  void coarsen();  // one doubling

  std::size_t bucket_budget_;
  std::int64_t resolution_s_ = 1;
  std::size_t buckets_ = 0;  // sum of the points' buckets() (latency and ws_latency)
  std::map<std::int64_t, IntervalStats> points_;
};

}  // namespace neuro::load

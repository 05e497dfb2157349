// The result document's HIST object (HdrHistogram layout, nonzero buckets only): validated
// against engine/common/latency_histogram.hpp's layout and rebuilt into a LatencyHistogram so
// the report's percentiles come from the same code that recorded them.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/latency_histogram.hpp"

namespace neuro::load_report {

// The buckets as stored, not expanded: a 3-digit, 1-hour LatencyHistogram holds ~33k counters
// (260 KB), too much to keep one per second of a 12-hour soak.
struct HistogramData {
  int significant_digits = 3;
  std::int64_t highest_ns = common::LatencyHistogram::kOneHourNs;
  std::int64_t count = 0;
  std::int64_t min_ns = 0;
  std::int64_t max_ns = 0;
  double sum_ns = 0.0;
  std::vector<std::pair<std::size_t, std::int64_t>> buckets;  // [index, count], index ascending

  double mean_ns() const { return count ? sum_ns / static_cast<double>(count) : 0.0; }
};

// Reads and checks a HIST object at `path`: unit "ns", a layout LatencyHistogram accepts, bucket
// indexes in range and strictly ascending, counts that add up to `count`, and min_ns/max_ns
// inside the first/last nonzero bucket (a mismatch means the writer used another layout).
// A HistogramParser keeps one LatencyHistogram per layout seen, to check indexes without
// allocating a histogram per point of a long series.
class HistogramParser {
 public:
  HistogramData parse(const nlohmann::json& value, const std::string& path);

 private:
  const common::LatencyHistogram& layout(std::int64_t highest_ns, int significant_digits,
                                         const std::string& path);
  std::map<std::pair<std::int64_t, int>, common::LatencyHistogram> layouts_;
};

// Adds `data` to `hist` (same layout, else InvalidArgument; an empty `data` adds nothing, in any
// layout). Buckets are recorded at their lower
// bound, except that min_ns and max_ns are recorded as themselves, so bucket counts, min and max
// (and with them every percentile) equal those of the histogram that was serialised.
void add_to(const HistogramData& data, common::LatencyHistogram& hist);
common::LatencyHistogram to_histogram(const HistogramData& data);

}  // namespace neuro::load_report

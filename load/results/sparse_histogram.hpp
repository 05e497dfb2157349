// The stored and exchanged form of a latency histogram: its layout plus the nonzero buckets, so
// per-second series stay small and histograms from threads, seconds, runs and shards merge
// exactly (bucket counts add). Converts to LatencyHistogram for percentiles and to/from the
// result document's HIST object (docs/load-results-schema.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/latency_histogram.hpp"

namespace neuro::load {

struct SparseHistogram {
  std::int64_t highest_ns = base::LatencyHistogram::kOneHourNs;
  int significant_digits = 3;
  std::int64_t count = 0;
  std::int64_t min_ns = 0;
  std::int64_t max_ns = 0;
  double sum_ns = 0;
  std::vector<std::pair<std::uint32_t, std::int64_t>> buckets;  // ascending index, count > 0

  static SparseHistogram from(const base::LatencyHistogram& h);
  // Throws InvalidArgument when the layouts of two non-empty histograms differ.
  void merge(const SparseHistogram& other);
  // A histogram with the same bucket counts, min and max (hence the same percentiles).
  base::LatencyHistogram to_histogram() const;
  double mean_ns() const { return count ? sum_ns / static_cast<double>(count) : 0.0; }

  // The document's HIST object; load/results/histogram_reader.hpp reads it back.
  nlohmann::json to_json() const;
};

// Adds `data` to `hist` (same layout, else InvalidArgument; an empty `data` adds nothing, in any
// layout). Buckets are recorded at their lower bound, except that min_ns and max_ns are recorded
// as themselves, so bucket counts, min and max (and with them every percentile) equal those of
// the histogram that was serialised.
void add_to(const SparseHistogram& data, base::LatencyHistogram& hist);

}  // namespace neuro::load

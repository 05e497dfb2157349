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

#include "engine/common/latency_histogram.hpp"

namespace neuro::load {

struct SparseHistogram {
  std::int64_t highest_ns = common::LatencyHistogram::kOneHourNs;
  int significant_digits = 3;
  std::int64_t count = 0;
  std::int64_t min_ns = 0;
  std::int64_t max_ns = 0;
  double sum_ns = 0;
  std::vector<std::pair<std::uint32_t, std::int64_t>> buckets;  // ascending index, count > 0

  static SparseHistogram from(const common::LatencyHistogram& h);
  // Throws InvalidArgument when the layouts of two non-empty histograms differ.
  void merge(const SparseHistogram& other);
  // A histogram with the same bucket counts, min and max (hence the same percentiles).
  common::LatencyHistogram to_histogram() const;

  nlohmann::json to_json() const;
  // `where` names the object in errors ("B.json: steps[0].latency").
  static SparseHistogram from_json(const nlohmann::json& j, const std::string& where);
};

}  // namespace neuro::load

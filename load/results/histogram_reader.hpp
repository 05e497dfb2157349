// The one reader of the result document's HIST object (docs/load-results-schema.md) into the one
// histogram type, SparseHistogram: for `neuroperf merge`, `neuroperf report` and the runner's own
// re-reads alike, so a document that one of them accepts, all accept.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "engine/base/latency_histogram.hpp"
#include "load/results/sparse_histogram.hpp"

namespace neuro::load {

// Reads and checks a HIST object at `path`: unit "ns", a layout LatencyHistogram accepts, bucket
// indexes in range and strictly ascending, counts that add up to `count`, and min_ns/max_ns
// inside the first/last nonzero bucket (a mismatch means the writer used another layout).
// Buckets of count 0 are dropped. Errors are InvalidArgument("PATH: WHAT").
// A HistogramParser keeps one LatencyHistogram per layout seen, to check indexes without
// allocating a histogram (~33k counters) per point of a long series.
class HistogramParser {
 public:
  SparseHistogram parse(const nlohmann::json& value, const std::string& path);

 private:
  const base::LatencyHistogram& layout(std::int64_t highest_ns, int significant_digits,
                                       const std::string& path);
  std::map<std::pair<std::int64_t, int>, base::LatencyHistogram> layouts_;
};

// parse() with a parser of this thread's: for callers that read a histogram here and there.
SparseHistogram read_histogram(const nlohmann::json& value, const std::string& path);

}  // namespace neuro::load

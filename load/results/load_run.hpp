// A finished run as the runner hands it to the writer: the result, the per-second series kept
// apart, and what each series point says of the load that produced it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "load/results/load_result.hpp"
#include "load/results/series_store.hpp"

namespace neuro::load {

// What a series point says of the load that produced it: users started (closed model) or the
// scheduled arrival rate (open model, this shard's share), averaged over the point's seconds.
struct SeriesAnnotation {
  std::optional<std::int64_t> users;
  std::optional<double> rate;
};

// A finished run: the result without its series, and the series apart, so that a long run's
// series is written point by point (result_writer.hpp) instead of becoming a JSON tree many
// times its size.
struct LoadRun {
  LoadResult result;  // its series empty
  SeriesStore series;
  std::map<std::int64_t, SeriesAnnotation> annotations;  // one per point of series
};

}  // namespace neuro::load

// result.json as written to disk: the document indented one space per level, except the series,
// one compact point per line and streamed, so that a long run's series never becomes a JSON tree
// in memory (a tree costs ~100 bytes per histogram bucket; a 30-minute soak at 10k req/s has
// about a million buckets) and the file stays a fraction of the indented size.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>

#include "load/results/load_result.hpp"
#include "load/results/load_run.hpp"
#include "load/results/request_stats.hpp"

namespace neuro::load {

// POINT of docs/load-results-schema.md: the requests that ended in [t_s, t_s + dt_s).
SeriesPoint series_point(std::int64_t t_s, std::int64_t dt_s, const IntervalStats& point,
                         const SeriesAnnotation& annotation);

// Calls `each(point)` for every point of the run's series, in time order.
void for_each_series_point(const LoadRun& run, const std::function<void(const SeriesPoint&)>& each);

// The run's result with its series, each point made and written in turn.
void write_result(std::ostream& out, const LoadRun& run);

// A whole result (its series held, as merge makes it), in the same layout.
void write_result(std::ostream& out, const LoadResult& result);

// Any document (its "series" an array), in the same layout. Taken by value: callers move a
// large document in rather than hold two.
void write_result(std::ostream& out, nlohmann::json document);

}  // namespace neuro::load

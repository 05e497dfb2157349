// The series of shards merged into one (neuroperf merge). Each shard coarsens its series on its
// own when the series outgrows its budget (series_store.hpp), so shards of one run may differ in
// resolution: every point is first brought to the coarsest one among them, then points of the
// same time add (counts, histograms bucket by bucket, users and rate as shares of the whole).
#pragma once

#include <string>
#include <vector>

#include "load/results/load_result.hpp"

namespace neuro::load {

// The merged series; throws InvalidArgument naming the origin and point of a bad one (dt_s not
// a positive power of two, t_s not a multiple of it, a histogram of another layout).
std::vector<SeriesPoint> merge_series(const std::vector<LoadResult>& docs,
                                      const std::vector<std::string>& origins);

}  // namespace neuro::load

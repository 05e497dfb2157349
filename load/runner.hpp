// `neuroperf load` as a library: prepare (resolve, check the target answers, run the auth
// step), run the executor's phases, and return the result document (schema neuroperf-load/1).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "load/scenario.hpp"
#include "load/series_store.hpp"

namespace neuro::load {

struct RunOptions {
  pid_t target_pid = 0;  // 0: no target process resources
  int shard_index = 0;   // --shard i/N
  int shard_count = 1;
  int threads = 0;  // 0: the scenario's
  bool quiet = false;
  std::FILE* progress = stderr;
  std::size_t series_bucket_budget = kSeriesBucketBudget;
};

// What a series point says of the load that produced it: users started (closed model) or the
// scheduled arrival rate (open model, this shard's share), averaged over the point's seconds.
struct SeriesAnnotation {
  std::optional<std::int64_t> users;
  std::optional<double> rate;
};

// A finished run: the result document without its "series", and the series apart, so that a
// long run's series is written point by point (result_writer.hpp) instead of becoming a JSON
// tree many times its size.
struct LoadRun {
  nlohmann::json document;
  SeriesStore series;
  std::map<std::int64_t, SeriesAnnotation> annotations;  // one per point of series
};

// Throws Error(kUnreachable) when the target does not answer at the start or the auth step
// fails; everything that goes wrong later is counted in the document.
LoadRun execute_load(const Scenario& scenario, const RunOptions& options);

// The same run as one document with its series (tests, embedding, short runs).
nlohmann::json run_load(const Scenario& scenario, const RunOptions& options);

// Parses "i/N" (0 <= i < N); throws InvalidArgument naming --shard otherwise.
void parse_shard(const std::string& text, int* index, int* count);

}  // namespace neuro::load

// `neuroperf load` as a library: prepare (resolve, check the target answers, run the auth
// step), run the executor's phases, and return the result document (schema neuroperf-load/1).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "load/results/load_run.hpp"
#include "load/scenario/scenario.hpp"

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

// Throws Error(kUnreachable) when the target does not answer at the start or the auth step
// fails; everything that goes wrong later is counted in the document.
LoadRun execute_load(const Scenario& scenario, const RunOptions& options);

// The same run as one document with its series (tests, embedding, short runs).
nlohmann::json run_load(const Scenario& scenario, const RunOptions& options);

// Parses "i/N" (0 <= i < N); throws InvalidArgument naming --shard otherwise.
void parse_shard(const std::string& text, int* index, int* count);

}  // namespace neuro::load

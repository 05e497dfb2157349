// How `neuroperf load` was asked to run a scenario besides the file: shard, threads, the target
// process to sample, progress output and the series' memory budget.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdio>

#include "load/results/series_store.hpp"

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

}  // namespace neuro::load

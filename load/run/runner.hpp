// `neuroperf load` as a library: prepare (resolve, check the target answers, run the auth
// step), run the executor's phases, and return the result document (schema neuroperf-load/1).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "load/results/load_run.hpp"
#include "load/run/run_options.hpp"
#include "load/scenario/scenario.hpp"

namespace neuro::load {

// Throws Error(kUnreachable) when the target does not answer at the start or the auth step
// fails; everything that goes wrong later is counted in the document.
LoadRun execute_load(const Scenario& scenario, const RunOptions& options);

// The same run as one document with its series (tests, embedding, short runs).
nlohmann::json run_load(const Scenario& scenario, const RunOptions& options);

// Parses "i/N" (0 <= i < N); throws InvalidArgument naming --shard otherwise.
void parse_shard(const std::string& text, int* index, int* count);

}  // namespace neuro::load

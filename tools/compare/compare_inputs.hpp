// From two paths to a Comparison: pairs files (or run directories with baseline directories),
// reads them, applies the filter and the config, checks that the machines match.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tools/compare/verdict.hpp"

namespace neuro::compare {

struct CompareOptions {
  std::filesystem::path baseline, current;
  // Default: thresholds.yaml beside the baseline (in the directory, or beside the file), else
  // the built-in defaults.
  std::optional<std::filesystem::path> config;
  Mode mode = Mode::kAuto;
  bool allow_foreign_baseline = false;
  bool calibrate = true;  // false: judge raw times even when the machine's speed changed
  std::string filter;     // ECMAScript regex searched in benchmark names; empty: all
};

struct FilePair {
  std::filesystem::path baseline, current;  // either may not exist (new or missing file)
  std::string group;                        // "bench_dsp" in directory mode, else ""
};

struct CompareOutcome {
  Comparison comparison;
  std::vector<std::string> foreign;  // fingerprint differences that were not allowed
};

// Directory mode: every CURRENT/bench_*.json with BASELINE/<same name>, plus baseline
// bench_*.json files the run did not write. Throws base::InvalidArgument for bad paths.
std::vector<FilePair> pair_inputs(const std::filesystem::path& baseline,
                                  const std::filesystem::path& current);

// Throws base::InvalidArgument (exit 2) for unreadable or malformed input.
CompareOutcome run_comparison(const CompareOptions& options);

std::filesystem::path default_config_path(const std::filesystem::path& baseline);

}  // namespace neuro::compare

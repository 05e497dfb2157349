// The comparison itself: for every benchmark of a baseline/current pair, the change of each
// metric's median, a one-sided U test, and one status. Pure: no I/O, no printing.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "tools/compare/benchmark_results.hpp"
#include "tools/compare/thresholds_config.hpp"

namespace neuro::compare {

// Worst first: the order in which a benchmark's metrics decide its status.
enum class Status {
  kErrored,      // current run reported an error: fails, never a speed-up
  kMissing,      // in the baseline, not in the current run: fails
  kRegressed,    // worse beyond the threshold and significant: fails
  kSuspect,      // worse beyond the threshold but not significant, or cannot be (few repetitions)
  kNoisy,        // spread above the noise limit: the result cannot be trusted either way
  kImproved,     // better beyond the threshold and significant
  kUnitChanged,  // time unit differs between the runs; converted, otherwise ok
  kNew,          // not in the baseline
  kSkipped,      // the benchmark skipped itself (SkipWithMessage)
  kOk,
};

const char* status_name(Status status);  // "ok", "unit-changed", ...
bool status_fails(Status status);        // errored, missing, regressed

enum class Mode { kAuto, kTime, kInstructions };

struct MetricResult {
  std::string name;  // "cpu_time", "real_time", "instructions" or a counter
  Direction direction = Direction::kLowerIsBetter;
  bool gated = true;                     // false: shown, never decides the status
  double baseline = 0.0, current = 0.0;  // medians (times in ns)
  double change = 0.0;                   // current / baseline - 1
  double p_value = -1.0;  // one-sided U test of "changed beyond the threshold"; -1: none ran
  double min_p = -1.0;    // smallest p these sample sizes allow; -1 when no test
  double spread = 0.0;    // larger robust CV of the two sides
  Status status = Status::kOk;
};

struct BenchmarkComparison {
  std::string group;  // the file pair ("bench_dsp") in directory mode, else ""
  std::string name;
  Status status = Status::kOk;
  std::string detail;  // why, in words: error message, unit change, missing counters
  double threshold = 0.0;
  double alpha = 0.0;
  std::size_t baseline_samples = 0, current_samples = 0;
  std::vector<MetricResult> metrics;  // the time (or instructions) metric first
};

// What the calibration benchmark says about one file pair (time mode only).
struct MachineSpeed {
  std::string group;      // the file pair, as in BenchmarkComparison
  std::string benchmark;  // "calibration/machine_speed"
  double change = 0.0;    // current / baseline - 1 of its median time: +0.2 = 20 % slower now
  double p_value = -1.0;  // one-sided U test of "changed beyond the tolerance"; -1: none ran
  bool applied = false;   // the current run's times were divided by 1 + change
};

struct Comparison {
  Mode mode = Mode::kTime;
  std::vector<MachineSpeed> machine_speed;
  std::vector<std::string> baseline_origins, current_origins;
  std::vector<BenchmarkComparison> benchmarks;
  std::vector<std::string> warnings;
  std::size_t ignored = 0;  // benchmarks excluded by `ignore: true` rules

  std::map<Status, std::size_t> counts() const;
  bool failed() const;  // any failing status
};

// Instruction-count mode when every result carries an `instructions` counter and both contexts
// say neuroperf_mode=callgrind.
bool looks_like_instructions(const ResultSet& baseline, const ResultSet& current);

// Appends the comparison of one pair to `out` (directory mode calls it once per file). `mode` must
// be kTime or kInstructions. Throws base::InvalidArgument in instruction mode when a result
// lacks the counter.
void compare_results(const ResultSet& baseline, const ResultSet& current,
                     const ThresholdsConfig& config, Mode mode, const std::string& group,
                     Comparison& out);

}  // namespace neuro::compare

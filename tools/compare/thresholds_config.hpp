// baselines/thresholds.yaml: per-benchmark rules (first matching glob wins) for the threshold,
// the time metric, counter directions, alpha, the noise limit and ignoring a benchmark.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace neuro::compare {

enum class Direction { kLowerIsBetter, kHigherIsBetter, kIgnore };
enum class TimeMetric { kAuto, kCpuTime, kRealTime };

struct Settings {
  double threshold = 0.10;               // relative change that counts (10 %)
  double instructions_threshold = 0.02;  // instruction-count mode: no statistics, 2 %
  double alpha = 0.05;                   // one-sided Mann-Whitney U significance
  double noise = 0.10;                   // robust CV above which a side is "noisy"
  TimeMetric metric = TimeMetric::kAuto;
  bool ignore = false;
  // Counter name globs -> direction; checked before the built-in "*_per_second: higher".
  std::vector<std::pair<std::string, Direction>> counters;
};

struct Rule {
  std::string match;  // glob over the benchmark name: '*' any run of characters, '?' one
  int line = 0;
  Settings settings;  // defaults overlaid with the fields the rule sets
};

// The machine-speed reference every benchmark executable carries (benchmarks/common/
// calibration.cpp). When its median time changed by more than `tolerance` between the runs, and
// significantly, the machine changed under the run (CPU steal, frequency): the current run's
// times are divided by that change before they are judged.
struct Calibration {
  bool enabled = true;
  std::string match = "calibration/*";  // glob over benchmark names
  double tolerance = 0.03;
};

struct ThresholdsConfig {
  Calibration calibration;
  Settings defaults;
  std::vector<Rule> rules;

  // The first rule that matches, else the defaults.
  const Settings& settings_for(const std::string& benchmark) const;
};

// Direction of a counter under these settings: configured globs first, then "*_per_second"
// higher is better; std::nullopt: shown but not gated.
std::optional<Direction> counter_direction(const Settings& settings, const std::string& counter);

// Validates the whole file and throws base::InvalidArgument listing every problem, one per
// line, as "FILE:LINE: FIELD: what was expected".
ThresholdsConfig load_thresholds(const std::filesystem::path& path);
ThresholdsConfig parse_thresholds(const std::string& yaml, const std::string& origin);

bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace neuro::compare

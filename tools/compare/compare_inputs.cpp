#include "tools/compare/compare_inputs.hpp"

#include <algorithm>
#include <future>
#include <regex>

#include "engine/base/errors.hpp"
#include "tools/bench_json/benchmark_json.hpp"
#include "tools/compare/fingerprint.hpp"

namespace neuro::compare {
namespace fs = std::filesystem;
namespace {

ResultSet read_set(const fs::path& path) {
  return group_results(bench_json::read_benchmark_file(path));
}

// Keeps the benchmarks the filter selects, and the machine-speed reference whatever the filter
// says: the selected ones are judged against it.
ResultSet filtered(ResultSet set, const std::optional<std::regex>& filter,
                   const Calibration& calibration) {
  if (!filter) return set;
  ResultSet out;
  out.origin = set.origin;
  out.context = std::move(set.context);
  for (auto& b : set.benchmarks) {
    if (!std::regex_search(b.name, *filter) &&
        !(calibration.enabled && glob_match(calibration.match, b.name))) {
      continue;
    }
    out.index.emplace(b.name, out.benchmarks.size());
    out.benchmarks.push_back(std::move(b));
  }
  return out;
}

std::vector<fs::path> bench_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("bench_") && entry.path().extension() == ".json") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

fs::path default_config_path(const fs::path& baseline) {
  const fs::path dir = fs::is_directory(baseline) ? baseline : baseline.parent_path();
  return (dir.empty() ? fs::path(".") : dir) / "thresholds.yaml";
}

std::vector<FilePair> pair_inputs(const fs::path& baseline, const fs::path& current) {
  std::error_code ec;
  const bool base_dir = fs::is_directory(baseline, ec), cur_dir = fs::is_directory(current, ec);
  if (!cur_dir && !fs::exists(current, ec)) {
    throw base::InvalidArgument(current.string() + ": no such file or directory");
  }
  if (!cur_dir) {
    // A file against a baseline directory pairs with the file of the same name there.
    if (base_dir) return {{baseline / current.filename(), current, ""}};
    return {{baseline, current, ""}};
  }
  if (!base_dir) {
    throw base::InvalidArgument(baseline.string() +
                                ": expected a directory of baselines (CURRENT is a directory)");
  }
  std::vector<FilePair> pairs;
  for (const auto& file : bench_files(current)) {
    pairs.push_back({baseline / file.filename(), file, file.stem().string()});
  }
  for (const auto& file : bench_files(baseline)) {
    if (!fs::exists(current / file.filename())) {
      pairs.push_back({file, current / file.filename(), file.stem().string()});
    }
  }
  if (pairs.empty()) throw base::InvalidArgument(current.string() + ": no bench_*.json files");
  return pairs;
}

CompareOutcome run_comparison(const CompareOptions& options) {
  ThresholdsConfig config;
  const fs::path config_path = options.config.value_or(default_config_path(options.baseline));
  if (options.config || fs::exists(config_path)) config = load_thresholds(config_path);
  if (!options.calibrate) config.calibration.enabled = false;
  std::optional<std::regex> filter;
  if (!options.filter.empty()) {
    try {
      filter.emplace(options.filter);
    } catch (const std::regex_error& e) {
      throw base::InvalidArgument("--filter: not a valid regular expression '" + options.filter +
                                  "' (" + e.what() + ")");
    }
  }
  CompareOutcome outcome;
  Comparison& comparison = outcome.comparison;
  bool first = true;
  for (const auto& pair : pair_inputs(options.baseline, options.current)) {
    const bool have_base = fs::exists(pair.baseline), have_cur = fs::exists(pair.current);
    if (!have_base && pair.group.empty()) {
      throw base::InvalidArgument(pair.baseline.string() +
                                  ": no such baseline (create it with --update-baseline)");
    }
    ResultSet base, cur;
    base.origin = pair.baseline.string();
    cur.origin = pair.current.string();
    // The two files are independent; parsing them side by side halves the wait on large runs.
    auto pending = have_base ? std::async(std::launch::async, read_set, pair.baseline)
                             : std::future<ResultSet>();
    if (have_cur) cur = filtered(read_set(pair.current), filter, config.calibration);
    if (have_base) base = filtered(pending.get(), filter, config.calibration);
    comparison.baseline_origins.push_back(base.origin);
    comparison.current_origins.push_back(cur.origin);
    if (have_base && have_cur) {
      const auto differences =
          fingerprint_differences(fingerprint_of(base.context), fingerprint_of(cur.context));
      for (const auto& d : differences) {
        const std::string line =
            pair.baseline.string() + ": another machine's baseline (" + d + ")";
        (options.allow_foreign_baseline ? comparison.warnings : outcome.foreign).push_back(line);
      }
      for (const auto* set : {&base, &cur}) {
        for (auto& w : run_warnings(set->context, set->origin)) {
          // A warning about the tools rather than one file (the benchmark library) is said once.
          if (std::find(comparison.warnings.begin(), comparison.warnings.end(), w) ==
              comparison.warnings.end()) {
            comparison.warnings.push_back(std::move(w));
          }
        }
      }
    }
    Mode mode = options.mode;
    if (mode == Mode::kAuto) {
      mode = have_base && have_cur && looks_like_instructions(base, cur) ? Mode::kInstructions
                                                                         : Mode::kTime;
    }
    if (first) comparison.mode = mode;
    first = false;
    compare_results(base, cur, config, mode, pair.group, comparison);
  }
  return outcome;
}

}  // namespace neuro::compare

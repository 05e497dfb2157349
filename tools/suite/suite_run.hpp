// A suite run's folder read back from its files alone (reports/<UTC>/, or a CI artifact
// unpacked later): benchmark runs, their comparisons and which baseline each used, anchors,
// load scenarios and the raw files. What cannot be read is kept as a problem to show, never
// dropped: the page must say "errored" or "no baseline", never leave a gap that reads as ok.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "load/results/load_result.hpp"
#include "tools/compare/benchmark_results.hpp"

namespace neuro::suite {

// One benchmark's numbers in one run: medians over its repetitions and their robust spread.
struct BenchmarkRow {
  std::string name;
  bench_json::DeclaredPosition declared;
  std::string metric;  // "real_time" (/real_time benchmarks) or "cpu_time"
  double real_time_ns = 0.0, cpu_time_ns = 0.0;
  double spread = 0.0;  // robust CV of the shown time metric over repetitions (0: one sample)
  std::size_t samples = 0;
  std::map<std::string, double> counters;  // medians
  std::optional<std::string> error, skipped;
};

// One benchmark's verdict, from compare_<exe>.json.
struct Verdict {
  std::string status;  // ok, improved, regressed, suspect, noisy, missing, new, errored, ...
  std::string metric, detail;
  double change = 0.0, threshold = 0.0;
  std::optional<double> p_value, baseline, current;  // the first (gated) metric
};

struct Executable {
  std::string name;                    // "bench_dsp"
  std::optional<std::string> problem;  // the run's JSON is missing or unreadable
  std::map<std::string, std::string> context;
  std::vector<BenchmarkRow> rows;  // declared order
  // From verdicts.tsv: committed, local, recorded, none, ab-base; "" when the file lacks a line.
  std::string baseline_kind, baseline_path, machine_key;
  std::optional<int> compare_exit;
  std::optional<nlohmann::json> comparison;  // compare_<name>.json as written
  std::map<std::string, Verdict> verdicts;   // by benchmark name
  std::optional<std::string> comparison_problem;
  std::filesystem::path base_file;  // an A/B's base/<name>.json, when there is one
  std::string base_revision;        // that file's ab_revision (else git_revision)
};

struct AnchorRow {
  std::string anchor, what, ours;
  std::optional<double> anchor_median_s, ratio;  // ratio = anchor time / our time
};

struct Anchor {
  std::string name;  // "anchor_dsp_scipy"
  std::optional<std::string> problem;
  std::vector<AnchorRow> rows;
  long long rounds = 0;
};

struct LoadScenario {
  std::filesystem::path dir;  // relative to the run folder
  std::optional<std::string> problem;
  std::optional<load::LoadResult> result;
  bool has_report = false;  // DIR/report.html exists
};

struct RawFile {
  std::filesystem::path path;  // relative
  std::uintmax_t bytes = 0;
};

struct SuiteRun {
  std::filesystem::path dir;
  std::vector<Executable> executables;  // by name
  std::vector<Anchor> anchors;
  std::vector<LoadScenario> load;
  std::vector<RawFile> files;
  bool ab = false;  // written by scripts/ab: base/ holds BASE's numbers
};

// Throws base::InvalidArgument when DIR is not a directory or holds no bench_*.json, no
// bench_*.txt and no load result; every other problem is recorded in the SuiteRun.
SuiteRun read_suite_run(const std::filesystem::path& dir);

}  // namespace neuro::suite

// History across suite runs (neuroperf history DIR...): per benchmark the median of every run
// with its spread, and the runs where a step change happened: a two-sided Mann-Whitney U test of
// the repetitions of the `window` runs before against the `window` runs after each split, kept
// when the medians moved by more than the threshold; of neighbouring splits that pass, the one
// with the largest change. Each change names the revisions on either side.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace neuro::suite {

struct HistoryOptions {
  std::size_t window = 3;   // runs on each side of a split
  double threshold = 0.05;  // |median after / median before - 1| that counts
  double alpha = 0.01;      // two-sided U test
};

struct HistoryRun {
  std::filesystem::path dir;
  std::string revision;  // git_revision (ab_revision for an A/B's HEAD), "" when unknown
  std::string date;      // the context's date (ISO 8601), which orders the runs
};

struct HistoryPoint {
  std::size_t run = 0;  // index into History::runs
  double median_ns = 0.0;
  double spread = 0.0;  // robust CV of the run's repetitions
  std::vector<double> samples_ns;
};

struct ChangePoint {
  std::size_t before_run = 0, after_run = 0;  // the last run before the step, the first after
  double change = 0.0;                        // median after / median before - 1
  double p_value = 1.0;
};

struct Series {
  std::string executable, benchmark, metric;  // metric: cpu_time or real_time
  std::vector<HistoryPoint> points;           // in run order; runs without the benchmark skipped
  std::vector<ChangePoint> changes;
};

struct History {
  std::vector<HistoryRun> runs;
  std::vector<Series> series;  // by executable, then declared order
  std::size_t runs_over_all = 0, median_runs = 0;
  HistoryOptions options;
};

// Each DIR is a run folder (it holds bench_*.json) or a folder of run folders (reports/, or
// nightly artifacts unpacked side by side). Throws base::InvalidArgument when a DIR does not
// exist or no run is found; a run file that cannot be read is an error too (named).
History read_history(const std::vector<std::filesystem::path>& dirs, const HistoryOptions& options);

std::vector<ChangePoint> find_change_points(const std::vector<HistoryPoint>& points,
                                            const HistoryOptions& options);

// Markdown: the runs, then per benchmark its median over runs with the spread, and its steps.
std::string render_history_markdown(const History& history);

}  // namespace neuro::suite

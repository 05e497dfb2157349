// Groups the rows of a Google Benchmark file into one result per benchmark: the repetitions'
// times and counters as samples (so that we compute our own statistics), or, for files written
// with aggregates only, the median aggregate as a single sample without significance.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tools/bench_json/benchmark_json.hpp"
#include "tools/bench_json/declared_order.hpp"

namespace neuro::compare {

struct BenchmarkResult {
  std::string name;                  // run_name without "/repeats:N": the stable key of baselines
  std::string time_unit;             // as written; times below are converted to nanoseconds
  bool manual_or_real_time = false;  // "/real_time" or "/manual_time" benchmarks
  std::vector<double> real_time_ns;
  std::vector<double> cpu_time_ns;
  std::map<std::string, std::vector<double>> counters;
  bool aggregates_only = false;      // no iteration rows: values are medians, no U test possible
  std::map<std::string, double> cv;  // "cv" aggregate per metric (a fraction), when written
  std::optional<std::string> error;  // first error_message of any repetition
  std::optional<std::string> skipped;
  bench_json::DeclaredPosition declared;  // family and instance index, for showing declared order
};

struct ResultSet {
  std::string origin;                                  // the file, for messages
  std::map<std::string, std::string> context;          // see bench_json::BenchmarkFile
  std::vector<BenchmarkResult> benchmarks;             // in file order
  std::unordered_map<std::string, std::size_t> index;  // name -> position in benchmarks

  const BenchmarkResult* find(const std::string& name) const;
};

// Throws base::InvalidArgument for an unknown time unit or a non-finite time.
ResultSet group_results(const bench_json::BenchmarkFile& file);

// "BM_X/8/repeats:10/threads:2" -> "BM_X/8/threads:2".
std::string strip_repeats(const std::string& run_name);

// Nanoseconds per unit ("ns", "us", "ms", "s"); 0 for an unknown unit.
double nanoseconds_per(const std::string& time_unit);

}  // namespace neuro::compare

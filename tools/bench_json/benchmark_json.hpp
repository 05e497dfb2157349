// Reads a Google Benchmark JSON file (--benchmark_out, versions 1.7-1.9) into plain rows:
// unknown fields are ignored, user counters are kept by name, bare NaN/Infinity are accepted.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/huge_page_allocator.hpp"

namespace neuro::bench_json {

struct BenchmarkRow {
  std::string name;            // e.g. "BM_ZeroPhaseBandpass/32/30000/1_median"
  std::string run_name;        // without the aggregate suffix
  std::string run_type;        // "iteration", "aggregate" or "" (very old files)
  std::string aggregate_name;  // "", "mean", "median", "stddev", "cv", ...
  std::string aggregate_unit;  // "time" or "percentage" (cv rows hold fractions)
  long long iterations = 0;
  long long repetitions = 0;
  long long threads = 1;
  // Where the benchmark was declared: family (BENCHMARK() order) and instance (its arguments'
  // order); -1 when the file does not say (Google Benchmark before 1.6). Random interleaving
  // writes rows in run order, so readers sort by these to show the declared order.
  long long family_index = -1;
  long long per_family_instance_index = -1;
  double real_time = 0.0;
  double cpu_time = 0.0;
  std::string time_unit = "ns";
  std::optional<std::string> error;        // error_message when error_occurred
  std::optional<std::string> skipped;      // skip_message when skipped (1.8+)
  std::map<std::string, double> counters;  // user counters and bytes/items_per_second
};

struct BenchmarkFile {
  std::filesystem::path path;
  // Context fields: strings as they are, other values as compact JSON ("2", "true", "[...]").
  std::map<std::string, std::string> context;
  // Huge pages: a 1000 x 10 file has 13k rows, and first-touch faults on 4 KiB pages were the
  // largest single cost of reading it on our VMs.
  std::vector<BenchmarkRow, common::HugePageAllocator<BenchmarkRow>> rows;
};

// Throws base::InvalidArgument naming the file and the JSON path when it cannot be read or is
// not benchmark JSON; never anything else, whatever the bytes.
BenchmarkFile read_benchmark_file(const std::filesystem::path& path);
BenchmarkFile parse_benchmark_json(std::string_view text, const std::filesystem::path& origin);

}  // namespace neuro::bench_json

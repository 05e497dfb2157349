#include "tools/compare/benchmark_results.hpp"

#include <cmath>

#include "engine/base/errors.hpp"

namespace neuro::compare {
namespace {

bool has_segment(const std::string& name, const std::string& segment) {
  const auto pos = name.find(segment);
  return pos != std::string::npos &&
         (pos + segment.size() == name.size() || name[pos + segment.size()] == '/');
}

}  // namespace

const BenchmarkResult* ResultSet::find(const std::string& name) const {
  const auto it = index.find(name);
  return it == index.end() ? nullptr : &benchmarks[it->second];
}

std::string strip_repeats(const std::string& run_name) {
  const auto pos = run_name.find("/repeats:");
  if (pos == std::string::npos) return run_name;
  const auto end = run_name.find('/', pos + 1);
  return run_name.substr(0, pos) + (end == std::string::npos ? "" : run_name.substr(end));
}

double nanoseconds_per(const std::string& unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  return 0.0;
}

ResultSet group_results(const bench_json::BenchmarkFile& file) {
  ResultSet set;
  set.origin = file.path.string();
  set.context = file.context;
  auto result_for = [&](const std::string& run_name, const std::string& unit) -> BenchmarkResult& {
    const std::string name = strip_repeats(run_name);
    const auto [it, added] = set.index.emplace(name, set.benchmarks.size());
    if (added) {
      BenchmarkResult r;
      r.name = name;
      r.time_unit = unit;
      r.manual_or_real_time = has_segment(name, "/real_time") || has_segment(name, "/manual_time");
      r.aggregates_only = true;  // until an iteration row shows up
      set.benchmarks.push_back(std::move(r));
    }
    return set.benchmarks[it->second];
  };
  for (std::size_t i = 0; i < file.rows.size(); ++i) {
    const auto& row = file.rows[i];
    const bool aggregate = row.run_type == "aggregate" || !row.aggregate_name.empty();
    // Complexity fits (BigO, RMS) are not measurements of one benchmark.
    if (aggregate && row.aggregate_name != "median" && row.aggregate_name != "cv") continue;
    BenchmarkResult& r = result_for(row.run_name, row.time_unit);
    if (r.declared.family < 0) r.declared = {row.family_index, row.per_family_instance_index};
    if (row.error && !r.error) r.error = row.error;
    if (row.skipped && !r.skipped) r.skipped = row.skipped;
    if (row.error || row.skipped) continue;
    const std::string where = file.path.string() + ": $.benchmarks[" + std::to_string(i) + "]";
    if (aggregate && row.aggregate_name == "cv") {
      // cv rows are fractions (aggregate_unit "percentage"); times and counters alike.
      if (std::isfinite(row.cpu_time)) r.cv["cpu_time"] = row.cpu_time;
      if (std::isfinite(row.real_time)) r.cv["real_time"] = row.real_time;
      for (const auto& [k, v] : row.counters) {
        if (std::isfinite(v)) r.cv[k] = v;
      }
      continue;
    }
    const double scale = nanoseconds_per(row.time_unit);
    if (scale == 0.0) {
      throw base::InvalidArgument(where + ".time_unit: expected ns, us, ms or s, got '" +
                                  row.time_unit + "'");
    }
    if (!std::isfinite(row.cpu_time) || !std::isfinite(row.real_time) || row.cpu_time < 0 ||
        row.real_time < 0) {
      throw base::InvalidArgument(where + ": real_time and cpu_time must be finite and >= 0");
    }
    if (aggregate) {
      if (!r.aggregates_only) continue;  // iteration rows are the samples
    } else if (r.aggregates_only) {
      // The first iteration row: forget any median seen before it.
      r.aggregates_only = false;
      r.real_time_ns.clear();
      r.cpu_time_ns.clear();
      r.counters.clear();
    }
    r.real_time_ns.push_back(row.real_time * scale);
    r.cpu_time_ns.push_back(row.cpu_time * scale);
    for (const auto& [k, v] : row.counters) r.counters[k].push_back(v);
  }
  return set;
}

}  // namespace neuro::compare

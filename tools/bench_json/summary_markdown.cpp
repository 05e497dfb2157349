#include "tools/bench_json/summary_markdown.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "tools/bench_json/declared_order.hpp"

namespace neuro::bench_json {
namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string significant(double v) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::abs(v);
  return fixed(v, a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string counter_cell(const std::string& name, double value) {
  if (!std::isfinite(value)) return "n/a";
  if (name == "bytes_per_second") return si_format(value) + "B/s";
  if (ends_with(name, "_per_second")) return si_format(value) + "/s";
  return significant(value);
}

// The rows to show for one file, in declared order (family, then arguments; the file's order is
// the run order under random interleaving): median aggregates when there are repetitions, else
// the first run of each benchmark.
std::vector<const BenchmarkRow*> shown_rows(const BenchmarkFile& file) {
  std::set<std::string> aggregated, seen;
  for (const auto& row : file.rows) {
    if (row.aggregate_name == "median") aggregated.insert(row.run_name);
  }
  std::vector<const BenchmarkRow*> rows;
  for (const auto& row : file.rows) {
    const bool wanted = aggregated.count(row.run_name) ? row.aggregate_name == "median"
                                                       : row.aggregate_name.empty();
    if (wanted && seen.insert(row.run_name).second) rows.push_back(&row);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const BenchmarkRow* a, const BenchmarkRow* b) {
    return declared_before({a->family_index, a->per_family_instance_index},
                           {b->family_index, b->per_family_instance_index});
  });
  return rows;
}

}  // namespace

std::string si_format(double value) {
  static const char* const kPrefixes[] = {"", "k", "M", "G", "T", "P"};
  std::size_t p = 0;
  double v = value;
  while (std::abs(v) >= 1000.0 && p + 1 < std::size(kPrefixes)) {
    v /= 1000.0;
    ++p;
  }
  return significant(v) + " " + kPrefixes[p];
}

std::string render_summary_markdown(const std::vector<BenchmarkFile>& files) {
  std::ostringstream out;
  for (const auto& file : files) {
    const auto rows = shown_rows(file);
    out << "## " << file.path.stem().string() << "\n\n";
    if (rows.empty()) {
      out << "No benchmarks ran.\n\n";
      continue;
    }
    std::set<std::string> counter_names;
    for (const auto* row : rows) {
      for (const auto& [name, value] : row->counters) counter_names.insert(name);
    }
    const bool medians = rows.front()->aggregate_name == "median";
    out << "| Benchmark | Time" << (medians ? " (median)" : "") << " | CPU |";
    for (const auto& name : counter_names) out << " " << name << " |";
    out << "\n|---|---:|---:|";
    for (std::size_t i = 0; i < counter_names.size(); ++i) out << "---:|";
    out << "\n";
    for (const auto* row : rows) {
      out << "| `" << row->run_name << "` | ";
      if (row->error) {
        out << "error: " << *row->error << " | |";
        for (std::size_t i = 0; i < counter_names.size(); ++i) out << " |";
        out << "\n";
        continue;
      }
      out << significant(row->real_time) << " " << row->time_unit << " | "
          << significant(row->cpu_time) << " " << row->time_unit << " |";
      for (const auto& name : counter_names) {
        const auto it = row->counters.find(name);
        out << " " << (it == row->counters.end() ? "" : counter_cell(name, it->second)) << " |";
      }
      out << "\n";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace neuro::bench_json

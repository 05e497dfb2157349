#include "tools/suite/history.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "engine/base/errors.hpp"
#include "engine/markup/escape.hpp"
#include "tools/bench_json/benchmark_json.hpp"
#include "tools/compare/benchmark_results.hpp"
#include "tools/compare/mann_whitney.hpp"
#include "tools/compare/sample_stats.hpp"

namespace neuro::suite {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> bench_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && name.starts_with("bench_") &&
        entry.path().extension() == ".json") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> run_dirs(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw base::InvalidArgument(dir.string() + ": not a directory");
  if (!bench_files(dir).empty()) return {dir};
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec) && !bench_files(entry.path()).empty()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string fmt(const char* format, double value) {
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string time_text(double ns) {
  if (ns >= 1e9) return fmt("%.3f s", ns / 1e9);
  if (ns >= 1e6) return fmt("%.3f ms", ns / 1e6);
  if (ns >= 1e3) return fmt("%.3f us", ns / 1e3);
  return fmt("%.1f ns", ns);
}

}  // namespace

std::vector<ChangePoint> find_change_points(const std::vector<HistoryPoint>& points,
                                            const HistoryOptions& options) {
  const std::size_t w = std::max<std::size_t>(options.window, 1), n = points.size();
  struct Candidate {
    std::size_t split;
    ChangePoint change;
    double score;  // |mean of the after medians / mean of the before medians - 1|
  };
  std::vector<Candidate> passing;
  for (std::size_t k = w; k + w <= n; ++k) {
    std::vector<double> before_medians, after_medians, before, after;
    for (std::size_t i = k - w; i < k; ++i) {
      before_medians.push_back(points[i].median_ns);
      before.insert(before.end(), points[i].samples_ns.begin(), points[i].samples_ns.end());
    }
    for (std::size_t i = k; i < k + w; ++i) {
      after_medians.push_back(points[i].median_ns);
      after.insert(after.end(), points[i].samples_ns.begin(), points[i].samples_ns.end());
    }
    if (before.empty() || after.empty()) continue;
    const double m_before = compare::median(before_medians),
                 m_after = compare::median(after_medians);
    if (!(m_before > 0)) continue;
    const double change = m_after / m_before - 1.0;
    if (std::abs(change) <= options.threshold) continue;
    const double p_greater =
        compare::mann_whitney_u(after, before, compare::Alternative::kGreater).p_value;
    const double p_less =
        compare::mann_whitney_u(after, before, compare::Alternative::kLess).p_value;
    const double p = std::min(1.0, 2.0 * std::min(p_greater, p_less));
    if (p >= options.alpha) continue;
    const auto mean = [](const std::vector<double>& v) {
      double sum = 0.0;
      for (const double x : v) sum += x;
      return sum / static_cast<double>(v.size());
    };
    const double score = std::abs(mean(after_medians) / mean(before_medians) - 1.0);
    passing.push_back({k, {points[k - 1].run, points[k].run, change, p}, score});
  }
  // Splits next to a step pass too (their windows straddle it less cleanly): of each run of
  // neighbouring passing splits, the step is the one whose windows' means differ most. The
  // medians cannot decide: a window with one run across the step has the same median.
  std::vector<ChangePoint> out;
  for (std::size_t i = 0; i < passing.size();) {
    std::size_t best = i, j = i;
    while (j + 1 < passing.size() && passing[j + 1].split == passing[j].split + 1) {
      ++j;
      if (passing[j].score > passing[best].score) best = j;
    }
    out.push_back(passing[best].change);
    i = j + 1;
  }
  return out;
}

History read_history(const std::vector<fs::path>& dirs, const HistoryOptions& options) {
  History history;
  history.options = options;
  std::vector<fs::path> runs;
  for (const auto& d : dirs) {
    for (auto& r : run_dirs(d)) runs.push_back(std::move(r));
  }
  if (runs.empty()) throw base::InvalidArgument("no run folders with bench_*.json found");
  struct Loaded {
    HistoryRun run;
    std::vector<compare::ResultSet> sets;
  };
  std::vector<Loaded> loaded;
  for (const auto& dir : runs) {
    Loaded l;
    l.run.dir = dir;
    for (const auto& file : bench_files(dir)) {
      l.sets.push_back(compare::group_results(bench_json::read_benchmark_file(file)));
      const auto& ctx = l.sets.back().context;
      if (l.run.date.empty() && ctx.count("date")) l.run.date = ctx.at("date");
      if (l.run.revision.empty()) {
        const auto ab = ctx.find("ab_revision"), git = ctx.find("git_revision");
        if (ab != ctx.end()) {
          l.run.revision = ab->second.substr(0, 12);
        } else if (git != ctx.end()) {
          l.run.revision = git->second;
        }
      }
    }
    loaded.push_back(std::move(l));
  }
  std::stable_sort(loaded.begin(), loaded.end(),
                   [](const Loaded& a, const Loaded& b) { return a.run.date < b.run.date; });
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  std::vector<bench_json::DeclaredPosition> positions;
  for (std::size_t r = 0; r < loaded.size(); ++r) {
    history.runs.push_back(loaded[r].run);
    for (const auto& set : loaded[r].sets) {
      const std::string exe = fs::path(set.origin).stem().string();
      for (const auto& b : set.benchmarks) {
        if (b.error || b.skipped || b.cpu_time_ns.empty()) continue;
        const auto [it, added] = index.emplace(std::make_pair(exe, b.name), history.series.size());
        if (added) {
          Series fresh;
          fresh.executable = exe;
          fresh.benchmark = b.name;
          fresh.metric = b.manual_or_real_time ? "real_time" : "cpu_time";
          history.series.push_back(std::move(fresh));
          positions.push_back(b.declared);
        }
        Series& s = history.series[it->second];
        HistoryPoint p;
        p.run = r;
        p.samples_ns = s.metric == "real_time" ? b.real_time_ns : b.cpu_time_ns;
        p.median_ns = compare::median(p.samples_ns);
        p.spread = compare::robust_cv(p.samples_ns);
        s.points.push_back(std::move(p));
      }
    }
  }
  for (auto& s : history.series) s.changes = find_change_points(s.points, options);
  // By executable, then declared order.
  std::vector<std::size_t> order(history.series.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (history.series[a].executable != history.series[b].executable) {
      return history.series[a].executable < history.series[b].executable;
    }
    return bench_json::declared_before(positions[a], positions[b]);
  });
  std::vector<Series> sorted;
  sorted.reserve(order.size());
  for (const std::size_t i : order) sorted.push_back(std::move(history.series[i]));
  history.series = std::move(sorted);
  return history;
}

std::string render_history_markdown(const History& h) {
  std::ostringstream out;
  out << "# neuroperf history\n\n"
      << h.runs.size() << " runs; steps: two-sided U test of the " << h.options.window
      << " runs before against the " << h.options.window << " after, alpha "
      << fmt("%g", h.options.alpha) << ", medians moved by more than "
      << fmt("%g", h.options.threshold * 100.0)
      << " %.\n\n| # | run | revision | date |\n|---:|---|---|---|\n";
  for (std::size_t i = 0; i < h.runs.size(); ++i) {
    out << "| " << i << " | " << markup::markdown_escape(h.runs[i].dir.filename().string()) << " | "
        << (h.runs[i].revision.empty() ? "?" : markup::markdown_escape(h.runs[i].revision)) << " | "
        << markup::markdown_escape(h.runs[i].date) << " |\n";
  }
  std::string exe;
  for (const auto& s : h.series) {
    if (s.executable != exe) {
      exe = s.executable;
      out << "\n## " << markup::markdown_escape(exe)
          << "\n\n| benchmark | runs | median over runs | spread over runs | "
          << "median run spread | steps |\n|---|---:|---:|---:|---:|---|\n";
    }
    std::vector<double> medians, spreads;
    for (const auto& p : s.points) {
      medians.push_back(p.median_ns);
      spreads.push_back(p.spread);
    }
    out << "| `" << markup::markdown_table_pipes(s.benchmark) << "` | " << s.points.size() << " | "
        << time_text(compare::median(medians)) << " " << (s.metric == "real_time" ? "wall" : "cpu")
        << " | " << fmt("%.1f %%", compare::robust_cv(medians) * 100.0) << " | "
        << fmt("%.1f %%", compare::median(spreads) * 100.0) << " | ";
    if (s.changes.empty()) out << "none";
    for (std::size_t i = 0; i < s.changes.size(); ++i) {
      const auto& c = s.changes[i];
      const auto rev = [&](std::size_t r) {
        return h.runs[r].revision.empty() ? "run " + std::to_string(r)
                                          : markup::markdown_escape(h.runs[r].revision);
      };
      out << (i ? "; " : "") << "**" << fmt("%+.1f %%", c.change * 100.0) << "** between run "
          << c.before_run << " (" << rev(c.before_run) << ") and run " << c.after_run << " ("
          << rev(c.after_run) << "), p " << fmt("%.2g", c.p_value);
    }
    out << " |\n";
  }
  return out.str();
}

}  // namespace neuro::suite

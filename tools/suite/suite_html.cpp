#include "tools/suite/suite_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "engine/markup/escape.hpp"
#include "load/report/html_charts.hpp"
#include "load/report/step_stats.hpp"
#include "load/report/svg_chart.hpp"
#include "load/report/text_format.hpp"
#include "tools/bench_json/summary_markdown.hpp"
#include "tools/suite/change_chart.hpp"

namespace neuro::suite {
namespace {

using load_report::fixed;
using markup::html_escape;

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:30px 0 8px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0}th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}th{background:#f6f6f6}td.name{text-align:left;font-family:ui-monospace,monospace;font-size:12px}
td.counters{text-align:left;font-size:12px}.status{color:#fff;font-weight:600;border-radius:3px;padding:0 6px;white-space:nowrap}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:600;font-size:13px}
.warn{color:#9a6700}ul.warnings li{color:#9a6700}.problem{color:#cf222e;font-weight:600}
svg{width:100%;height:auto;background:#fff}svg .grid{stroke:#e5e5e5}svg text{font-size:11px;fill:#444}svg .legend{fill:#222}
figure{margin:10px 0}figcaption{font-weight:600}details{font-size:12px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{color:#666}dd{margin:0;word-break:break-all}
nav a{margin-right:10px}
)";

std::string time_text(double ns) {
  if (!std::isfinite(ns)) return "n/a";
  const char* unit = "ns";
  double v = ns;
  if (std::abs(v) >= 1e9) {
    v /= 1e9;
    unit = "s";
  } else if (std::abs(v) >= 1e6) {
    v /= 1e6;
    unit = "ms";
  } else if (std::abs(v) >= 1e3) {
    v /= 1e3;
    unit = "us";
  }
  const double a = std::abs(v);
  return fixed(v, a >= 100 ? 1 : a >= 10 ? 2 : 3) + " " + unit;
}

// A counter's value with its unit, read from its name (the suite's naming convention).
std::string counter_text(const std::string& name, double value) {
  if (!std::isfinite(value)) return "n/a";
  if (name == "bytes_per_second") return bench_json::si_format(value) + "B/s";
  if (name.ends_with("_per_second")) return bench_json::si_format(value) + "/s";
  for (const char* unit : {"_ns", "_us", "_ms", "_s"}) {
    if (name.ends_with(unit)) return load_report::compact(value) + " " + (unit + 1);
  }
  return load_report::compact(value);
}

std::string percent(double fraction) {
  if (!std::isfinite(fraction)) return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f %%", fraction * 100.0);
  return text;
}

std::string p_text(const std::optional<double>& p) {
  if (!p) return "";
  return *p < 0.0001 ? "&lt; 0.0001" : fixed(*p, 4);
}

std::string badge(const std::string& status) {
  return "<span class=\"status\" style=\"background:" + std::string(status_colour(status)) + "\">" +
         html_escape(status) + "</span>";
}

std::string verdict_colour(const std::string& verdict) {
  if (verdict == "PASS") return status_colour("ok");
  if (verdict == "NO BASELINE") return status_colour("new");
  return status_colour("failed");
}

// A row's status on the page: the comparison's, else what the run itself says.
std::string row_status(const Executable& exe, const BenchmarkRow& row) {
  if (row.error) return "errored";
  if (row.skipped) return "skipped";
  const auto v = exe.verdicts.find(row.name);
  if (v != exe.verdicts.end()) return v->second.status;
  return exe.comparison ? "new" : "not compared";
}

std::string baseline_sentence(const SuiteRun& run, const Executable& exe) {
  const std::string key =
      exe.machine_key.empty() ? "" : " (machine <code>" + html_escape(exe.machine_key) + "</code>)";
  const std::string path = "<code>" + html_escape(exe.baseline_path) + "</code>";
  if (exe.baseline_kind == "ab-base") {
    return "Judged against BASE's runs of the same executable, interleaved with HEAD's on this "
           "machine: <a href=\"" +
           html_escape(exe.base_file.string()) + "\">" + html_escape(exe.base_file.string()) +
           "</a>" + key;
  }
  if (exe.baseline_kind == "committed" || exe.baseline_kind == "local") {
    return "Judged against the " + exe.baseline_kind + " baseline " + path + key;
  }
  if (exe.baseline_kind == "recorded") {
    return "<span class=\"problem\">Not compared: no baseline for this machine</span>" + key +
           "; this run was recorded as the local baseline " + path +
           ", which the next run compares against.";
  }
  (void)run;
  return "<span class=\"problem\">Not compared: no baseline</span>" + key +
         (exe.baseline_kind.empty() ? " (verdicts.tsv has no line for it)" : "");
}

void write_overview(const SuiteRun& run, std::ostream& out) {
  out << "<section id=\"overview\"><h2>Overview</h2>\n";
  out << "<table id=\"verdicts\"><thead><tr><th>Executable</th><th>Verdict</th><th>Baseline</th>";
  const char* kCounted[] = {"regressed", "suspect", "noisy",   "improved", "ok",
                            "new",       "skipped", "errored", "missing"};
  for (const char* s : kCounted) out << "<th>" << s << "</th>";
  out << "</tr></thead><tbody>";
  for (const auto& exe : run.executables) {
    const std::string verdict = executable_verdict(exe);
    std::map<std::string, int> counts;
    for (const auto& row : exe.rows) ++counts[row_status(exe, row)];
    for (const auto& [name, v] : exe.verdicts) {
      if (v.status == "missing") ++counts["missing"];
    }
    out << "<tr class=\"executable\" data-exe=\"" << html_escape(exe.name)
        << "\"><td><a href=\"#exe-" << html_escape(exe.name) << "\">" << html_escape(exe.name)
        << "</a></td><td><span "
        << "class=\"verdict\" style=\"background:" << verdict_colour(verdict) << "\">" << verdict
        << "</span></td><td>" << html_escape(exe.baseline_kind.empty() ? "none" : exe.baseline_kind)
        << "</td>";
    for (const char* s : kCounted) out << "<td>" << counts[s] << "</td>";
    out << "</tr>";
  }
  out << "</tbody></table>\n";
  // The machine and build, from the first run that has a context.
  std::map<std::string, std::string> context;
  std::string key;
  for (const auto& exe : run.executables) {
    if (!exe.context.empty()) {
      context = exe.context;
      key = exe.machine_key;
      break;
    }
  }
  out << "<h3>Machine and build</h3><dl id=\"machine\">";
  if (!key.empty()) out << "<dt>machine key</dt><dd>" << html_escape(key) << "</dd>";
  if (run.ab) {  // both revisions: HEAD's context is below, BASE's revision from base/
    for (const auto& exe : run.executables) {
      if (exe.base_revision.empty()) continue;
      out << "<dt>BASE revision</dt><dd class=\"base-revision\">" << html_escape(exe.base_revision)
          << "</dd>";
      break;
    }
  }
  for (const char* field :
       {"git_revision", "ab_revision", "build_type", "cpu_model", "num_cpus", "isa_level",
        "mhz_per_cpu", "caches", "cpu_scaling_enabled", "compiler", "library_build_type",
        "benchmark_library", "host_name", "date", "load_avg"}) {
    const auto it = context.find(field);
    if (it != context.end()) {
      out << "<dt>" << field << "</dt><dd>" << html_escape(it->second) << "</dd>";
    }
  }
  out << "</dl>\n";
  // Calibration shifts and every warning the comparisons gave (oversubscription, load).
  std::set<std::string> warnings;
  std::vector<std::string> shifts;
  for (const auto& exe : run.executables) {
    if (exe.problem) warnings.insert(exe.name + ": " + *exe.problem);
    if (exe.comparison_problem) warnings.insert(exe.name + ": " + *exe.comparison_problem);
    if (!exe.comparison) continue;
    const auto& doc = *exe.comparison;
    if (const auto w = doc.find("warnings"); w != doc.end() && w->is_array()) {
      for (const auto& line : *w) {
        if (line.is_string()) warnings.insert(line.get<std::string>());
      }
    }
    if (const auto m = doc.find("machine_speed"); m != doc.end() && m->is_array()) {
      for (const auto& s : *m) {
        if (!s.is_object() || !s.contains("change") || !s["change"].is_number()) continue;
        const bool applied = s.value("applied", false);
        std::optional<double> p;
        if (s.contains("p_value") && s["p_value"].is_number()) p = s["p_value"].get<double>();
        shifts.push_back(
            "<li data-exe=\"" + html_escape(exe.name) + "\">" + html_escape(exe.name) + ": " +
            html_escape(s.value("benchmark", std::string("calibration"))) + " changed by " +
            percent(s["change"].get<double>()) + (p ? " (p " + p_text(p) + ")" : "") +
            (applied ? ": applied, times divided by it" : ": within tolerance") + "</li>");
      }
    }
  }
  out << "<h3>Calibration (machine speed)</h3><ul id=\"calibration\">";
  if (shifts.empty()) out << "<li>No calibration comparison in this run.</li>";
  for (const auto& s : shifts) out << s;
  out << "</ul>\n<h3>Warnings</h3><ul id=\"warnings\" class=\"warnings\">";
  if (warnings.empty()) out << "<li>None.</li>";
  for (const auto& w : warnings) out << "<li>" << html_escape(w) << "</li>";
  out << "</ul></section>\n";
}

void write_executable(const SuiteRun& run, const Executable& exe, std::ostream& out) {
  const std::string verdict = executable_verdict(exe);
  out << "<section id=\"exe-" << html_escape(exe.name) << "\" class=\"executable\"><h2>"
      << html_escape(exe.name)
      << " <span class=\"verdict\" style=\"background:" << verdict_colour(verdict) << "\">"
      << verdict << "</span></h2>\n<p class=\"baseline\">" << baseline_sentence(run, exe)
      << ". Raw:";
  const char* separator = " ";
  for (const std::string& file :
       {exe.name + ".json", exe.name + ".txt", "compare_" + exe.name + ".md"}) {
    const bool present = std::any_of(run.files.begin(), run.files.end(),
                                     [&](const RawFile& f) { return f.path == file; });
    if (!present) continue;
    out << separator << "<a href=\"" << html_escape(file) << "\">" << html_escape(file) << "</a>";
    separator = ", ";
  }
  out << ".</p>\n";
  if (exe.problem) {
    out << "<p class=\"problem\">" << html_escape(*exe.problem) << "</p></section>\n";
    return;
  }
  if (exe.comparison_problem) {
    out << "<p class=\"problem\">" << html_escape(*exe.comparison_problem) << "</p>\n";
  }
  std::vector<ChangeBar> bars;
  for (const auto& row : exe.rows) {
    const auto v = exe.verdicts.find(row.name);
    if (v == exe.verdicts.end() || !v->second.baseline) continue;
    bars.push_back(
        {row.name, v->second.status, v->second.change, v->second.threshold, v->second.p_value});
  }
  if (!bars.empty()) {
    out << "<figure class=\"change\"><figcaption>Change of the median against the baseline "
           "(bar: verdict's colour; dashes: the benchmark's threshold)</figcaption>"
        << render_change_chart(exe.name, bars) << "</figure>\n";
  }
  out << "<table class=\"benchmarks\" data-exe=\"" << html_escape(exe.name)
      << "\"><thead><tr><th>Benchmark</th><th>Status</th><th>Median</th><th>Spread</th>"
         "<th>n</th><th>Baseline</th><th>Change</th><th>p</th><th>Counters (medians)</th>"
         "</tr></thead><tbody>";
  for (const auto& row : exe.rows) {
    const std::string status = row_status(exe, row);
    const auto v = exe.verdicts.find(row.name);
    out << "<tr class=\"benchmark\" data-status=\"" << html_escape(status)
        << "\"><td class=\"name\">" << html_escape(row.name) << "</td><td>" << badge(status)
        << "</td>";
    if (row.error || row.skipped) {
      out << "<td colspan=\"7\" style=\"text-align:left\">"
          << html_escape(row.error ? *row.error : *row.skipped) << "</td></tr>";
      continue;
    }
    const double shown = row.metric == "real_time" ? row.real_time_ns : row.cpu_time_ns;
    out << "<td>" << time_text(shown) << " <small>" << (row.metric == "real_time" ? "wall" : "cpu")
        << "</small></td><td>" << fixed(row.spread * 100.0, 1) << " %</td><td>" << row.samples
        << "</td>";
    if (v != exe.verdicts.end() && v->second.baseline) {
      const bool time_metric = v->second.metric.ends_with("_time");
      out << "<td>"
          << (time_metric ? time_text(*v->second.baseline)
                          : counter_text(v->second.metric, *v->second.baseline))
          << "</td><td>" << percent(v->second.change) << "</td><td>" << p_text(v->second.p_value)
          << "</td>";
    } else {
      out << "<td></td><td></td><td></td>";
    }
    out << "<td class=\"counters\">";
    bool first = true;
    for (const auto& [name, value] : row.counters) {
      out << (first ? "" : "<br>") << html_escape(name) << " " << counter_text(name, value);
      first = false;
    }
    out << "</td></tr>";
    if (v != exe.verdicts.end() && !v->second.detail.empty()) {
      out << "<tr class=\"detail\"><td></td><td colspan=\"8\" style=\"text-align:left\"><small>"
          << html_escape(v->second.detail) << "</small></td></tr>";
    }
  }
  // Benchmarks the baseline has and this run lacks (missing) have no row of their own.
  for (const auto& [name, v] : exe.verdicts) {
    if (v.status != "missing") continue;
    out << "<tr class=\"benchmark\" data-status=\"missing\"><td class=\"name\">"
        << html_escape(name) << "</td><td>" << badge("missing")
        << "</td><td colspan=\"7\" style=\"text-align:left\">" << html_escape(v.detail)
        << "</td></tr>";
  }
  out << "</tbody></table></section>\n";
}

void write_anchors(const SuiteRun& run, std::ostream& out) {
  out << "<section id=\"anchors\"><h2>Anchors</h2>\n";
  if (run.anchors.empty()) {
    out << "<p>No anchors in this run (run-suite --no-anchors, or an A/B).</p>";
  }
  for (const auto& a : run.anchors) {
    out << "<h3>" << html_escape(a.name) << "</h3>";
    if (a.problem) {
      out << "<p class=\"problem\">" << html_escape(*a.problem) << "</p>";
      continue;
    }
    out << "<p>" << a.rounds << " interleaved rounds; ratio = anchor time / our time (above 1: "
        << "ours is faster). Raw: <a href=\"" << html_escape(a.name) << ".json\">"
        << html_escape(a.name) << ".json</a></p><table class=\"anchor\" data-anchor=\""
        << html_escape(a.name) << "\"><thead><tr><th>Operation</th><th>Anchor</th><th>Anchor "
        << "median</th><th>Ours</th><th>Ratio</th></tr></thead><tbody>";
    for (const auto& r : a.rows) {
      out << "<tr><td>" << html_escape(r.anchor) << "</td><td>" << html_escape(r.what)
          << "</td><td>" << (r.anchor_median_s ? time_text(*r.anchor_median_s * 1e9) : "n/a")
          << "</td><td class=\"name\">" << html_escape(r.ours.empty() ? "missing" : r.ours)
          << "</td><td>" << (r.ratio ? fixed(*r.ratio, 2) + "x" : "n/a") << "</td></tr>";
    }
    out << "</tbody></table>\n";
  }
  out << "</section>\n";
}

void write_load(const SuiteRun& run, std::ostream& out) {
  out << "<section id=\"load\"><h2>Load scenarios</h2>\n";
  if (run.load.empty()) out << "<p>No load scenario in this run.</p>";
  for (const auto& s : run.load) {
    const std::string dir = s.dir.string();
    out << "<article class=\"scenario\" data-dir=\"" << html_escape(dir) << "\"><h3>";
    if (!s.result) {
      out << html_escape(dir) << "</h3><p class=\"problem\">"
          << html_escape(s.problem.value_or("unreadable")) << "</p></article>\n";
      continue;
    }
    const auto& r = *s.result;
    const std::string verdict = r.aborted || !r.passed ? "FAILED"
                                : r.judged()           ? "PASSED"
                                                       : "NOT JUDGED";
    out << html_escape(r.scenario_name) << " <span class=\"verdict\" style=\"background:"
        << (verdict == "PASSED"   ? status_colour("ok")
            : verdict == "FAILED" ? status_colour("failed")
                                  : status_colour("new"))
        << "\">" << verdict << "</span></h3><p>";
    if (s.has_report) {
      out << "<a href=\"" << html_escape(dir) << "/report.html\">its own report</a>, ";
    }
    out << "<a href=\"" << html_escape(dir) << "/result.json\">result.json</a>. "
        << html_escape(r.executor) << " against " << html_escape(r.target) << ", "
        << fixed(r.duration_s, 1) << " s, " << r.total_requests << " requests, " << r.total_errors
        << " errors ("
        << fixed(load_report::error_rate_percent(r.total_errors, r.total_requests), 3) << " %), "
        << fixed(r.total_rps, 1) << " req/s.</p>";
    out << "<table class=\"steps\"><thead><tr><th>Step</th><th>Requests</th><th>req/s</th>"
           "<th>Errors</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>"
           "</thead><tbody>";
    for (const auto& step : r.steps) {
      const auto p = load_report::percentiles_of(step.latency);
      out << "<tr><td>" << html_escape(step.name) << "</td><td>" << step.requests << "</td><td>"
          << fixed(step.rps, 1) << "</td><td>" << step.errors.total() << "</td><td>"
          << load_report::ms(p.p50) << "</td><td>" << load_report::ms(p.p95) << "</td><td>"
          << load_report::ms(p.p99) << "</td><td>" << load_report::ms(p.max) << "</td></tr>";
    }
    out << "</tbody></table>";
    for (const auto& t : r.thresholds) {
      out << "<div class=\"threshold\">" << (t.passed ? "pass" : "<b class=\"problem\">FAIL</b>")
          << " " << html_escape(t.expression) << " (observed "
          << html_escape(load_report::with_unit(t.observed, t.unit)) << ")</div>";
    }
    for (const auto& chart : load_report::build_charts(r)) {
      out << "<figure class=\"load-chart\" data-chart=\"" << html_escape(chart.id)
          << "\"><figcaption>" << html_escape(chart.title) << "</figcaption>"
          << load_report::render_svg(chart) << "</figure>";
    }
    out << "</article>\n";
  }
  out << "</section>\n";
}

void write_files(const SuiteRun& run, std::ostream& out) {
  out << "<section id=\"files\"><h2>Raw files</h2><table id=\"raw-files\"><thead><tr><th>File</th>"
         "<th>Size</th></tr></thead><tbody>";
  for (const auto& f : run.files) {
    const std::string path = f.path.generic_string();
    out << "<tr><td><a href=\"" << html_escape(path) << "\">" << html_escape(path)
        << "</a></td><td>" << load_report::bytes(static_cast<double>(f.bytes)) << "</td></tr>";
  }
  out << "</tbody></table></section>\n";
}

}  // namespace

std::string executable_verdict(const Executable& exe) {
  if (exe.problem) return "FAILED";
  const bool errored = std::any_of(exe.rows.begin(), exe.rows.end(),
                                   [](const BenchmarkRow& r) { return r.error.has_value(); });
  if (exe.compare_exit && *exe.compare_exit != 0 && *exe.compare_exit != 1 &&
      *exe.compare_exit != 77) {
    return "COMPARE ERROR";
  }
  if (exe.comparison_problem) return "COMPARE ERROR";
  if (!exe.comparison) return errored ? "ERRORED" : "NO BASELINE";
  const auto failed = exe.comparison->find("failed");
  if (failed != exe.comparison->end() && failed->is_boolean() && failed->get<bool>()) return "FAIL";
  return errored ? "ERRORED" : "PASS";
}

void write_suite_page(const SuiteRun& run, std::ostream& out) {
  const std::string title = run.ab ? "neuroperf A/B" : "neuroperf suite run";
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width,initial-scale=1\"><title>"
      << title << ": " << html_escape(run.dir.filename().string()) << "</title><style>" << kStyle
      << "</style></head><body>\n<h1>" << title << " " << html_escape(run.dir.filename().string())
      << "</h1>\n<nav><a href=\"#overview\">Overview</a>";
  for (const auto& exe : run.executables) {
    out << "<a href=\"#exe-" << html_escape(exe.name) << "\">" << html_escape(exe.name) << "</a>";
  }
  out << "<a href=\"#anchors\">Anchors</a><a href=\"#load\">Load</a><a href=\"#files\">Raw "
         "files</a> <a href=\"summary.md\">summary.md</a></nav>\n";
  write_overview(run, out);
  for (const auto& exe : run.executables) write_executable(run, exe, out);
  write_anchors(run, out);
  write_load(run, out);
  write_files(run, out);
  out << "</body></html>\n";
}

}  // namespace neuro::suite

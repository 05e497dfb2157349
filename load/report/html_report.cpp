#include "load/report/html_report.hpp"

#include <algorithm>
#include <sstream>
#include <string>

#include "load/report/html_charts.hpp"
#include "load/report/step_stats.hpp"
#include "load/report/text_format.hpp"
#include "load/results/load_result.hpp"

namespace neuro::load_report {
namespace {

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:960px;color:#222;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:6px 0}th,td{padding:3px 9px;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f6f6f6}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:600}
.pass{background:#1a7f37}.fail{background:#cf222e}.none{background:#6e7781}.warn{color:#9a6700}
td.pass,td.fail{color:#fff}
svg.chart{width:100%;height:auto;background:#fff}svg .grid{stroke:#e5e5e5}
svg text{font-size:11px;fill:#555}svg .legend{fill:#222}figure{margin:12px 0}
figcaption{font-weight:600}details{font-size:12px}dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{color:#666}dd{margin:0}
)";

std::string td(const std::string& text, const std::string& cls = "") {
  return cls.empty() ? "<td>" + text + "</td>" : "<td class=\"" + cls + "\">" + text + "</td>";
}

std::string pass_cell(bool passed) { return passed ? td("pass", "pass") : td("FAIL", "fail"); }

void write_summary(const load::LoadResult& r, std::ostream& out) {
  out << "<h1>" << html_escape(r.scenario_name) << "</h1>\n<p><span class=\"verdict "
      << (r.aborted || !r.passed ? "fail\">FAILED"
          : r.judged()           ? "pass\">PASSED"
                                 : "none\">NOT JUDGED (no thresholds)")
      << "</span></p>\n<dl>"
      << "<dt>Scenario file</dt><dd>" << html_escape(r.scenario_file) << "</dd>"
      << "<dt>Executor</dt><dd>" << html_escape(r.executor) << "</dd>"
      << "<dt>Target</dt><dd>" << html_escape(r.target) << "</dd>"
      << "<dt>Started</dt><dd>" << html_escape(r.started_at) << "</dd>"
      << "<dt>Duration</dt><dd>" << fixed(r.duration_s, 1) << " s</dd>";
  if (r.shard_count > 1) {
    out << "<dt>Shard</dt><dd>" << r.shard_index << " of " << r.shard_count << "</dd>";
  }
  if (r.merged_from > 0) out << "<dt>Shards</dt><dd>merged from " << r.merged_from << "</dd>";
  if (r.aborted) {
    out << "<dt>Aborted</dt><dd class=\"warn\" id=\"aborted\">" << html_escape(r.abort_reason)
        << "</dd>";
  }
  out << "<dt>Requests</dt><dd id=\"total-requests\">" << r.total_requests << "</dd>"
      << "<dt>Errors</dt><dd id=\"total-errors\">" << r.total_errors << " ("
      << fixed(error_rate_percent(r.total_errors, r.total_requests), 3) << " %)</dd>"
      << "<dt>Throughput</dt><dd>" << fixed(r.total_rps, 1) << " req/s</dd></dl>\n";
}

void write_thresholds(const load::LoadResult& r, std::ostream& out) {
  out << "<h2>Thresholds</h2>\n";
  if (r.thresholds.empty()) {
    out << "<p>No thresholds in the scenario.</p>\n";
    return;
  }
  out << "<table id=\"thresholds\"><thead><tr><th>Threshold</th><th>Metric</th><th>Observed</th>"
         "<th>Limit</th><th>Result</th></tr></thead><tbody>";
  for (const load::ThresholdVerdict& t : r.thresholds) {
    out << "<tr class=\"threshold\">" << td(html_escape(t.expression)) << td(html_escape(t.metric))
        << td(html_escape(with_unit(t.observed, t.unit)))
        << td(html_escape(with_unit(t.limit, t.unit))) << pass_cell(t.passed) << "</tr>";
  }
  out << "</tbody></table>\n";
}

void write_percentile_cells(const Percentiles& p, std::ostream& out) {
  for (const std::int64_t ns : {p.p50, p.p90, p.p95, p.p99, p.p99_9, p.max}) out << td(ms(ns));
  out << td(fixed(p.mean_ns / 1e6, 3));
}

// A row under its step with another of its times (service time, read lag) in the same columns.
void write_sub_row(const char* css_class, const char* label, const load::SparseHistogram& h,
                   std::ostream& out) {
  out << "<tr class=\"" << css_class << "\">" << td(label) << td("") << td("") << td("");
  write_percentile_cells(percentiles_of(h), out);
  out << "</tr>";
}

void write_steps(const load::LoadResult& r, std::ostream& out) {
  const bool open = r.open_model.has_value() ||
                    std::any_of(r.steps.begin(), r.steps.end(), [](const load::StepResult& s) {
                      return s.service_time.has_value();
                    });
  out << "<h2>Steps</h2>\n";
  if (open) {
    out << "<p>Open model: latency counts from the intended send time (coordinated omission "
           "corrected); service time from the actual send.</p>\n";
  }
  if (std::any_of(r.steps.begin(), r.steps.end(),
                  [](const load::StepResult& s) { return s.read_lag.has_value(); })) {
    out << "<p>Read lag: how long each answer's last bytes waited in the client's socket "
           "(the kernel's arrival stamp) before the load thread read them; the part of the "
           "latency that is the client's own.</p>\n";
  }
  out << "<table id=\"steps\"><thead><tr><th>Step</th><th>Requests</th><th>req/s</th>"
         "<th>Errors</th><th>p50 ms</th><th>p90 ms</th><th>p95 ms</th><th>p99 ms</th>"
         "<th>p99.9 ms</th><th>max ms</th><th>mean ms</th></tr></thead><tbody>";
  for (const load::StepResult& s : r.steps) {
    out << "<tr class=\"step\">" << td(html_escape(s.name)) << td(std::to_string(s.requests))
        << td(fixed(s.rps, 1)) << td(std::to_string(s.errors.total()));
    write_percentile_cells(percentiles_of(s.latency), out);
    out << "</tr>";
    if (s.service_time) {
      write_sub_row("service", "&#8627; service time", *s.service_time, out);
    }
    if (s.read_lag) write_sub_row("read-lag", "&#8627; read lag (the client's)", *s.read_lag, out);
  }
  out << "</tbody></table>\n<h2>Errors by kind</h2>\n<table id=\"errors\"><thead><tr>"
         "<th>Step</th><th>connect</th><th>read</th><th>write</th><th>timeout</th>"
         "<th>4xx</th><th>5xx</th><th>tls</th><th>unexpected status</th><th>poll timeout</th>"
         "<th>total</th></tr></thead><tbody>";
  for (const load::StepResult& s : r.steps) {
    const load::ErrorCounts& e = s.errors;
    out << "<tr class=\"step-errors\">" << td(html_escape(s.name));
    for (const std::int64_t n : {e.connect, e.read, e.write, e.timeout, e.status_4xx, e.status_5xx,
                                 e.tls, e.status_unexpected, e.poll_timeout, e.total()}) {
      out << td(std::to_string(n));
    }
    out << "</tr>";
  }
  out << "</tbody></table>\n";
  if (std::any_of(r.steps.begin(), r.steps.end(),
                  [](const load::StepResult& s) { return s.has_flow(); })) {
    out << "<h2>Flows</h2>\n<table id=\"flows\"><thead><tr><th>Step</th><th>checks passed</th>"
           "<th>checks failed</th><th>loop</th><th>count</th><th>p50 ms</th><th>p95 ms</th>"
           "<th>max ms</th></tr></thead><tbody>";
    for (const load::StepResult& s : r.steps) {
      if (!s.has_flow()) continue;
      out << "<tr class=\"flow\">" << td(html_escape(s.name))
          << td(std::to_string(s.checks_passed())) << td(std::to_string(s.checks_failed()));
      bool first = true;
      for (const auto& [kind, loop] : flow_loops(s)) {
        const Percentiles p = percentiles_of(*loop);
        if (!first) out << "<tr class=\"flow\">" << td("&#8627;") << td("") << td("");
        out << td(kind) << td(std::to_string(loop->count)) << td(ms(p.p50)) << td(ms(p.p95))
            << td(ms(p.max)) << "</tr>";
        first = false;
      }
      if (first) out << td("") << td("") << td("") << td("") << td("") << "</tr>";
    }
    out << "</tbody></table>\n";
  }
  if (std::any_of(r.steps.begin(), r.steps.end(), [](const load::StepResult& s) { return s.ws; })) {
    out << "<h2>WebSocket</h2>\n<p>Latency per message (from the message's timestamp or to its "
           "reply).</p>\n<table id=\"websocket\"><thead><tr><th>Step</th><th>Sessions</th>"
           "<th>msg/s in</th><th>msg/s out</th><th>KB/s in</th><th>Gaps</th><th>Errors</th>"
           "<th>Close codes</th><th>connect p99 ms</th><th>p50 ms</th><th>p90 ms</th>"
           "<th>p95 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th><th>mean ms</th>"
           "<th>read lag p99 ms</th><th>Clock</th></tr></thead><tbody>";
    for (const load::StepResult& s : r.steps) {
      if (!s.ws) continue;
      const load::WsResult& w = *s.ws;
      out << "<tr class=\"ws\">" << td(html_escape(s.name)) << td(std::to_string(w.sessions))
          << td(fixed(w.messages_in_per_s, 1)) << td(fixed(w.messages_out_per_s, 1))
          << td(fixed(w.bytes_in_per_s / 1e3, 1)) << td(std::to_string(w.seq_gaps))
          << td(std::to_string(w.error_total())) << td(html_escape(w.close_codes_text()))
          << td(ms(percentiles_of(w.connect).p99));
      write_percentile_cells(percentiles_of(w.latency), out);
      out << td(read_lag_p99(w)) << td(html_escape(w.clock)) << "</tr>";
    }
    out << "</tbody></table>\n";
  }
  if (r.open_model) {
    out << "<p id=\"open-model\">Late sends: " << r.open_model->late_sends
        << ", dropped sends: " << r.open_model->dropped_sends << "</p>\n";
  }
}

void write_charts(const load::LoadResult& r, std::ostream& out) {
  out << "<h2>Over time</h2>\n";
  for (const Chart& chart : build_charts(r)) {
    out << "<figure id=\"chart-" << html_escape(chart.id) << "\"><figcaption>"
        << html_escape(chart.title) << "</figcaption>" << render_svg(chart)
        << "<details><summary>data</summary>" << render_data_table(chart)
        << "</details></figure>\n";
  }
}

void write_verdicts(const load::LoadResult& r, std::ostream& out) {
  if (r.stress) {
    out << "<h2>Stress</h2>\n<p id=\"knee\">Knee: "
        << (r.stress->knee_rate ? "<b>" + compact(*r.stress->knee_rate) +
                                      " req/s</b>, the highest rate that held every threshold"
                                : std::string("none: not even the first stage held"))
        << "</p>\n<table id=\"stress\"><thead><tr><th>Rate (req/s)</th><th>Requests</th>"
           "<th>Errors</th><th>Error rate</th><th>p95 ms</th><th>Result</th><th>Broke</th></tr>"
           "</thead><tbody>";
    for (const load::StressStage& st : r.stress->stages) {
      const auto p95 = stage_p95_ms(st);
      std::string broke;
      for (const std::string& f : st.failed) broke += (broke.empty() ? "" : ", ") + html_escape(f);
      out << "<tr class=\"stage\">" << td(compact(st.rate))
          << td(st.requests ? std::to_string(*st.requests) : "")
          << td(st.errors ? std::to_string(*st.errors) : "") << td(stage_error_rate(st))
          << td(p95 ? fixed(*p95, 3) : "") << pass_cell(st.passed) << td(broke) << "</tr>";
    }
    out << "</tbody></table>\n";
  }
  if (r.soak) {
    const load::Soak& soak = *r.soak;
    out << "<h2>Soak</h2>\n<p id=\"soak\">";
    if (soak.rss_slope_bytes_per_s) {
      out << "Target RSS trend: " << bytes(*soak.rss_slope_bytes_per_s) << "/s ("
          << bytes(*soak.rss_slope_bytes_per_s * 3600.0) << " per hour). ";
    } else {
      out << "No target RSS trend (no target process was watched). ";
    }
    if (soak.rss_growth_bytes) out << "Growth over the run: " << bytes(*soak.rss_growth_bytes);
    if (soak.leak_threshold_bytes) {
      out << " (leak threshold " << bytes(*soak.leak_threshold_bytes) << ")";
    }
    if (soak.rss_growth_bytes) out << ". ";
    out << (soak.suspected_leak ? "<span class=\"verdict fail\">suspected leak</span>"
                                : "<span class=\"verdict pass\">no leak suspected</span>")
        << "</p>\n";
  }
}

void write_client(const load::LoadResult& r, std::ostream& out) {
  if (!r.client) return;
  const load::ClientInfo& c = *r.client;
  out << "<h2>Client</h2>\n<dl><dt>Threads</dt><dd>" << c.threads << "</dd><dt>CPU</dt><dd>"
      << fixed(c.cpu_s, 2) << " s</dd><dt>CPU per request</dt><dd>"
      << fixed(c.cpu_us_per_request, 2) << " &#181;s</dd>";
  if (c.peak_connections) {
    out << "<dt>Connections (peak)</dt><dd>" << *c.peak_connections << "</dd>";
  }
  out << "</dl>\n";
  if (!c.warnings.empty()) {
    out << "<ul id=\"warnings\">";
    for (const std::string& w : c.warnings)
      out << "<li class=\"warn\">" << html_escape(w) << "</li>";
    out << "</ul>\n";
  }
}

}  // namespace

void write_html_report(const nlohmann::json& result, std::ostream& out) {
  write_html_report(load::parse_load_result(result), out);
}

void write_html_report(const load::LoadResult& r, std::ostream& out) {
  // Rendered whole before writing, so a failure leaves `out` untouched.
  std::ostringstream page;
  page << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
          "<title>neuroperf load: "
       << html_escape(r.scenario_name) << "</title><style>" << kStyle << "</style></head><body>\n";
  write_summary(r, page);
  write_thresholds(r, page);
  write_steps(r, page);
  write_charts(r, page);
  write_verdicts(r, page);
  write_client(r, page);
  page << "<p><small>neuroperf load report, schema " << load::kResultSchema
       << "</small></p>\n</body></html>\n";
  out << page.str();
}

}  // namespace neuro::load_report

#include "load/report/markdown_summary.hpp"

#include <algorithm>
#include <sstream>

#include "load/report/step_stats.hpp"
#include "load/report/text_format.hpp"
#include "load/results/load_result.hpp"

namespace neuro::load_report {
namespace {

void write_header(const load::LoadResult& r, std::ostream& out) {
  out << "## "
      << (r.aborted || !r.passed ? "❌ Load test failed"
          : r.judged()           ? "✅ Load test passed"
                                 : "⚪ Load test not judged (no thresholds)")
      << ": " << markdown_escape(r.scenario_name) << "\n\n";
  out << markdown_escape(r.executor.empty() ? std::string("load") : r.executor) << " against "
      << markdown_escape(r.target) << ", " << fixed(r.duration_s, 1) << " s";
  if (r.shard_count > 1) out << ", shard " << r.shard_index << " of " << r.shard_count;
  if (r.merged_from > 0) out << ", merged from " << r.merged_from << " shards";
  out << ": **" << r.total_requests << " requests, " << r.total_errors << " errors ("
      << fixed(error_rate_percent(r.total_errors, r.total_requests), 3) << " %), "
      << fixed(r.total_rps, 1) << " req/s**\n\n";
  if (r.aborted) out << "⚠️ **Aborted**: " << markdown_escape(r.abort_reason) << "\n\n";
}

// A row under its step with another of its times (service time, read lag) in the same columns.
void write_sub_row(const char* label, const load::SparseHistogram& h, std::ostream& out) {
  const Percentiles q = percentiles_of(h);
  out << "| " << label << " | | | ";
  for (const std::int64_t ns : {q.p50, q.p90, q.p95, q.p99, q.p99_9, q.max}) out << " | " << ms(ns);
  out << " |\n";
}

void write_steps(const load::LoadResult& r, std::ostream& out) {
  if (r.steps.empty()) return;
  out << "| Step | Requests | req/s | Errors | p50 ms | p90 ms | p95 ms | p99 ms | p99.9 ms | "
         "max ms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const load::StepResult& s : r.steps) {
    const Percentiles p = percentiles_of(s.latency);
    out << "| " << markdown_escape(s.name) << " | " << s.requests << " | " << fixed(s.rps, 1)
        << " | " << s.errors.total();
    for (const std::int64_t ns : {p.p50, p.p90, p.p95, p.p99, p.p99_9, p.max}) {
      out << " | " << ms(ns);
    }
    out << " |\n";
    if (s.service_time) write_sub_row("↳ service time", *s.service_time, out);
    if (s.read_lag) write_sub_row("↳ read lag (the client's)", *s.read_lag, out);
  }
  out << "\n";
  if (std::any_of(r.steps.begin(), r.steps.end(), [](const load::StepResult& s) { return s.ws; })) {
    out << "WebSocket (latency per message):\n\n| Step | Sessions | msg/s in | msg/s out | "
           "KB/s in | Gaps | Errors | Close codes | connect p99 ms | p50 ms | p95 ms | p99 ms | "
           "max ms | read lag p99 ms |\n"
           "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n";
    for (const load::StepResult& s : r.steps) {
      if (!s.ws) continue;
      const load::WsResult& w = *s.ws;
      const Percentiles p = percentiles_of(w.latency);
      out << "| " << markdown_escape(s.name) << " | " << w.sessions << " | "
          << fixed(w.messages_in_per_s, 1) << " | " << fixed(w.messages_out_per_s, 1) << " | "
          << fixed(w.bytes_in_per_s / 1e3, 1) << " | " << w.seq_gaps << " | " << w.error_total()
          << " | " << markdown_escape(w.close_codes_text()) << " | "
          << ms(percentiles_of(w.connect).p99);
      for (const std::int64_t ns : {p.p50, p.p95, p.p99, p.max}) out << " | " << ms(ns);
      out << " | " << read_lag_p99(w) << " |\n";
    }
    out << "\n";
    for (const load::StepResult& s : r.steps) {
      if (s.ws && s.ws->clock != "one host") {
        out << "⚠️ " << markdown_escape(s.name) << ": " << markdown_escape(s.ws->clock)
            << ".\n\n";
      }
    }
  }
  if (r.open_model) {
    out << "Open model: latency from the intended send time; " << r.open_model->late_sends
        << " late sends, " << r.open_model->dropped_sends << " dropped.\n\n";
  }
}

// Steps with checks, a polling loop or a group's total time: one row each.
void write_flows(const load::LoadResult& r, std::ostream& out) {
  if (std::none_of(r.steps.begin(), r.steps.end(),
                   [](const load::StepResult& s) { return s.has_flow(); })) {
    return;
  }
  out << "### Flows\n\n| Step | Checks passed | Checks failed | Loop | Count | p50 ms | p95 ms | "
         "max ms |\n|---|---:|---:|---|---:|---:|---:|---:|\n";
  for (const load::StepResult& s : r.steps) {
    if (!s.has_flow()) continue;
    out << "| " << markdown_escape(s.name) << " | " << s.checks_passed() << " | "
        << s.checks_failed();
    bool first = true;
    for (const auto& [kind, loop] : flow_loops(s)) {
      const Percentiles p = percentiles_of(*loop);
      out << (first ? "" : "| ↳ | | ") << " | " << kind << " | " << loop->count << " | "
          << ms(p.p50) << " | " << ms(p.p95) << " | " << ms(p.max) << " |\n";
      first = false;
    }
    if (first) out << " | | | | | |\n";
  }
  out << "\n";
}

void write_thresholds(const load::LoadResult& r, std::ostream& out) {
  if (r.thresholds.empty()) return;
  out << "### Thresholds\n\n| | Threshold | Observed | Limit |\n|---|---|---:|---:|\n";
  for (const load::ThresholdVerdict& t : r.thresholds) {
    out << "| " << (t.passed ? "✅ pass" : "❌ fail") << " | " << markdown_escape(t.expression)
        << " | " << markdown_escape(with_unit(t.observed, t.unit)) << " | "
        << markdown_escape(with_unit(t.limit, t.unit)) << " |\n";
  }
  out << "\n";
}

void write_verdicts(const load::LoadResult& r, std::ostream& out) {
  if (r.stress) {
    out << "### Stress\n\n";
    if (r.stress->knee_rate) {
      out << "Knee: **" << compact(*r.stress->knee_rate)
          << " req/s**, the highest rate that held every threshold.\n\n";
    } else {
      out << "Knee: none, not even the first stage held.\n\n";
    }
    out << "| Rate req/s | Requests | Error rate | p95 ms | | Broke |\n"
           "|---:|---:|---:|---:|---|---|\n";
    for (const load::StressStage& st : r.stress->stages) {
      const auto p95 = stage_p95_ms(st);
      std::string broke;
      for (const std::string& f : st.failed)
        broke += (broke.empty() ? "" : ", ") + markdown_escape(f);
      out << "| " << compact(st.rate) << " | " << (st.requests ? std::to_string(*st.requests) : "")
          << " | " << stage_error_rate(st) << " | " << (p95 ? fixed(*p95, 3) : "") << " | "
          << (st.passed ? "✅ held" : "❌ broke") << " | " << broke << " |\n";
    }
    out << "\n";
  }
  if (r.soak) {
    out << "### Soak\n\n";
    if (r.soak->rss_slope_bytes_per_s) {
      out << "Target RSS trend " << bytes(*r.soak->rss_slope_bytes_per_s) << "/s";
    } else {
      out << "No target RSS trend (no target process was watched)";
    }
    out << ": " << (r.soak->suspected_leak ? "⚠️ **suspected leak**" : "no leak suspected")
        << ".\n\n";
  }
}

void write_warnings(const load::LoadResult& r, std::ostream& out) {
  if (!r.client || r.client->warnings.empty()) return;
  out << "### Warnings\n\n";
  for (const std::string& w : r.client->warnings) out << "- ⚠️ " << markdown_escape(w) << "\n";
  out << "\n";
}

}  // namespace

void write_markdown_summary(const nlohmann::json& result, std::ostream& out) {
  write_markdown_summary(load::parse_load_result(result), out);
}

void write_markdown_summary(const load::LoadResult& r, std::ostream& out) {
  std::ostringstream md;
  write_header(r, md);
  write_steps(r, md);
  write_flows(r, md);
  write_thresholds(r, md);
  write_verdicts(r, md);
  write_warnings(r, md);
  out << md.str();
}

}  // namespace neuro::load_report

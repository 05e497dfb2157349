#include "load/run/run_totals.hpp"

#include <cmath>

namespace neuro::load {
namespace {

using nlohmann::json;

json host_json(const std::vector<HostSample>& samples, double offset) {
  json out = json::array();
  for (const auto& h : samples) {
    out.push_back({{"t_s", static_cast<std::int64_t>(std::lround(offset + h.t_s))},
                   {"cpu_percent", h.cpu_percent},
                   {"mem_used_bytes", h.mem_used_bytes},
                   {"net_rx_bytes_per_s", h.net_rx_bytes_per_s},
                   {"net_tx_bytes_per_s", h.net_tx_bytes_per_s},
                   {"disk_read_bytes_per_s", h.disk_read_bytes_per_s},
                   {"disk_write_bytes_per_s", h.disk_write_bytes_per_s}});
  }
  return out;
}

json target_json(const std::vector<TargetSample>& samples, double offset) {
  json out = json::array();
  for (const auto& t : samples) {
    out.push_back({{"t_s", static_cast<std::int64_t>(std::lround(offset + t.t_s))},
                   {"cpu_percent", t.cpu_percent},
                   {"rss_bytes", t.rss_bytes},
                   {"processes", t.processes}});
  }
  return out;
}

}  // namespace

std::int64_t RunTotals::requests() const {
  std::int64_t n = 0;
  for (const auto& s : steps) n += s.requests;
  return n;
}

std::int64_t RunTotals::errors() const {
  std::int64_t n = 0;
  for (const auto& s : steps) n += s.error_total();
  return n;
}

void add_phase(RunTotals& acc, const PhaseResult& r, const PhasePlan& plan) {
  if (acc.steps.empty()) acc.steps.resize(r.steps.size());
  for (std::size_t i = 0; i < r.steps.size(); ++i) acc.steps[i].merge(r.steps[i]);
  acc.phases.push_back(plan);
  for (const auto& [version, n] : r.responses_by_http_version) {
    acc.responses_by_http_version[version] += n;
  }
  for (auto& h : host_json(r.host, plan.t_offset_s)) acc.host.push_back(h);
  for (auto& t : target_json(r.target, plan.t_offset_s)) acc.target.push_back(t);
  for (auto t : r.target) {
    t.t_s += plan.t_offset_s;
    acc.target_samples.push_back(t);
  }
  acc.late += r.late_sends;
  acc.dropped += r.dropped_sends;
  acc.duration_s += r.duration_s;
  acc.cpu_s += r.cpu_s;
  acc.target_alive = acc.target_alive && r.target_alive;
  if (r.aborted) {
    acc.aborted = true;
    acc.abort_reason = r.abort_reason;
  }
}

}  // namespace neuro::load

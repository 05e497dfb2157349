#include "load/run/phase.hpp"

#include <sys/resource.h>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "load/engine/make_load_thread.hpp"
#include "load/results/result_document.hpp"

namespace neuro::load {
namespace {

using Clock = std::chrono::steady_clock;

double process_cpu_s() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// abort_on_fail: the first upper-bound threshold that the data so far breaks, or "".
// `target` holds the target's samples so far.
std::string failing_threshold(const Scenario& s, const std::vector<TargetSample>& target,
                              std::int64_t requests, std::int64_t errors, double elapsed_s,
                              const SparseHistogram& latency) {
  Window w;
  w.requests = requests;
  w.errors = errors;
  w.duration_s = elapsed_s;
  w.latency = latency.to_histogram();
  w.target = &target;
  const auto observed = observe(w);
  for (const auto& t : s.thresholds) {
    if (!t.upper_bound()) continue;
    const auto it = observed.find(t.metric);
    if (it != observed.end() && !t.passes(it->second)) {
      return "'" + t.expression + "' failed (observed " + std::to_string(it->second) + " " +
             metric_unit(t.metric) + ")";
    }
  }
  return "";
}

}  // namespace

PhaseResult run_phase(const Scenario& scenario, const Prepared& prepared, const PhasePlan& plan,
                      Progress& progress, SeriesStore& series) {
  PhaseResult result;
  // A short delay so that every thread is up before the first scheduled send.
  const auto start = Clock::now() + std::chrono::milliseconds(20);
  std::vector<std::unique_ptr<LoadThread>> load_threads;
  for (int t = 0; t < plan.threads; ++t) {
    LoadThreadConfig c;
    c.scenario = &scenario;
    c.address = prepared.target.address;
    c.address_size = prepared.target.address_size;
    c.target = prepared.target.url;
    c.transport = transport_of(scenario);
    c.auth_header = prepared.auth_header;
    c.base_variables = prepared.variables;
    c.open_model = plan.open_model;
    c.lane = Lane{plan.shard_index, plan.shard_count, t, plan.threads};
    c.user_starts_s = user_start_times(plan.users, plan.ramp_up_s, c.lane);
    c.iterations = plan.iterations;
    c.curve = plan.curve;
    c.connections = (plan.connections + plan.threads - 1) / plan.threads;
    c.duration_s = plan.duration_s;
    c.think_time_s = scenario.think_time_s;
    c.timeout_s = scenario.timeout_s;
    c.start = start;
    load_threads.push_back(make_load_thread(std::move(c)));
  }
  ResourceSampler sampler(plan.target_pid);
  sampler.sample(0);
  const double cpu_before = process_cpu_s();
  std::atomic<bool> stop{false};
  std::atomic<int> running{plan.threads};
  // The main thread sleeps until its next tick or until the last load thread ends, not in
  // short naps: each wake-up is a context switch that the client's CPU figure pays for.
  std::mutex ended_mutex;
  std::condition_variable ended;
  std::vector<std::thread> threads;
  threads.reserve(load_threads.size());
  for (auto& w : load_threads) {
    threads.emplace_back([&stop, &running, &ended_mutex, &ended, load = w.get()] {
      load->run(stop);
      {
        std::lock_guard lock(ended_mutex);
        running.fetch_sub(1);
      }
      ended.notify_all();
    });
  }
  SparseHistogram cumulative;
  double last_sample_s = 0;
  const auto offset_s = static_cast<std::int64_t>(std::lround(plan.t_offset_s));
  IntervalStats last_second;  // what the progress line shows: the second before the tick
  auto drain = [&](std::int64_t shown_second) {
    last_second = IntervalStats{};
    for (auto& w : load_threads) {
      for (auto& [second, point] : w->take_series()) {
        cumulative.merge(point.latency);
        if (second == shown_second) last_second.merge(point);
        series.add(offset_s + second, point);
      }
    }
  };
  for (int tick = 1; running.load() > 0; ++tick) {
    // A little after the boundary: each load thread wakes as a second ends and flushes it.
    const auto at = start + std::chrono::seconds(tick) + std::chrono::milliseconds(100);
    {
      std::unique_lock lock(ended_mutex);
      ended.wait_until(lock, at, [&] { return running.load() == 0; });
    }
    if (running.load() == 0) break;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    sampler.sample(elapsed);
    last_sample_s = elapsed;
    drain(tick - 1);
    std::int64_t requests = 0, errors = 0, users = 0;
    for (auto& w : load_threads) {
      requests += w->live_requests();
      errors += w->live_errors();
      users += w->live_users();
    }
    ProgressLine line;
    line.elapsed_s = plan.t_offset_s + elapsed;
    line.planned_s = plan.planned_total_s;
    char load[64];
    if (plan.open_model) {
      std::snprintf(load, sizeof load, "rate %.0f/s, %lld conns",
                    plan.curve.rate_at(elapsed) / plan.shard_count, static_cast<long long>(users));
    } else {
      std::snprintf(load, sizeof load, "%lld users", static_cast<long long>(users));
    }
    line.load = load;
    if (last_second.requests > 0) {
      line.rps = static_cast<double>(last_second.requests);
      line.p95_ms = static_cast<double>(last_second.latency.to_histogram().percentile_ns(95)) / 1e6;
    }
    line.requests = requests;
    line.errors = errors;
    progress.update(line);
    if (plan.abort_on_fail && elapsed >= scenario.abort_grace_s && !result.aborted) {
      auto reason =
          failing_threshold(scenario, sampler.target(), requests, errors, elapsed, cumulative);
      if (!reason.empty()) {
        result.aborted = true;
        result.abort_reason =
            "aborted at " + std::to_string(static_cast<int>(elapsed)) + " s: " + reason;
        progress.message("neuroperf load: " + result.abort_reason);
        stop.store(true);
      }
    }
  }
  for (auto& t : threads) t.join();
  result.duration_s = std::min(
      plan.duration_s, std::max(0.0, std::chrono::duration<double>(Clock::now() - start).count()));
  result.cpu_s = process_cpu_s() - cpu_before;
  // The tail since the last tick (and the only sample of a run shorter than a second).
  const double end_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (end_s - last_sample_s >= 0.2) sampler.sample(end_s);
  drain(-1);
  result.steps.resize(scenario.steps.size());
  for (auto& w : load_threads) {
    for (std::size_t i = 0; i < result.steps.size(); ++i) result.steps[i].merge(w->steps()[i]);
    result.late_sends += w->late_sends();
    result.dropped_sends += w->dropped_sends();
    result.peak_connections += w->open_connections_peak();
    for (const auto& [version, n] : w->responses_by_http_version()) {
      result.responses_by_http_version[version] += n;
    }
  }
  result.host = sampler.host();
  result.target = sampler.target();
  result.target_alive = sampler.target_alive();
  return result;
}

}  // namespace neuro::load

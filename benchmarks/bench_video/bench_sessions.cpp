// Whole processing sessions (decode + detect, one decoder thread each) run concurrently, as the
// document's load test does: session i takes video i % (number of durations).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "benchmarks/bench_video/process_stats.hpp"
#include "benchmarks/bench_video/video_cache.hpp"
#include "benchmarks/common/fixed_iterations.hpp"
#include "benchmarks/common/latency_counters.hpp"
#include "engine/video/session.hpp"

namespace neuro::bench {
namespace {

void BM_Sessions(benchmark::State& state, std::vector<std::string> paths, int sessions) {
  base::LatencyHistogram latency;
  double total_frames = 0, wall_s = 0, cpu_s = 0;
  double worst_rtf = 1e300, sum_rtf = 0;
  std::int64_t runs = 0, succeeded = 0;
  std::string failure;
  reset_peak_rss();
  for (auto _ : state) {
    std::vector<video::SessionResult> results(static_cast<std::size_t>(sessions));
    std::vector<std::string> errors(static_cast<std::size_t>(sessions));
    const double cpu_before = process_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    {
      std::vector<std::jthread> threads;
      threads.reserve(static_cast<std::size_t>(sessions));
      for (int i = 0; i < sessions; ++i) {
        threads.emplace_back([&, i] {
          try {
            results[i] = video::run_session(paths[static_cast<std::size_t>(i) % paths.size()]);
          } catch (const std::exception& e) {
            errors[i] = e.what();
          }
        });
      }
    }
    wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    cpu_s += process_cpu_seconds() - cpu_before;
    for (int i = 0; i < sessions; ++i) {
      ++runs;
      if (!errors[i].empty()) {
        failure = errors[i];
        continue;
      }
      ++succeeded;
      total_frames += static_cast<double>(results[i].frames);
      worst_rtf = std::min(worst_rtf, results[i].realtime_factor());
      sum_rtf += results[i].realtime_factor();
      latency.merge(results[i].frame_latency);
    }
  }
  if (succeeded == 0) {
    state.SkipWithError(("every session failed: " + failure).c_str());
    return;
  }
  state.counters["frames_per_second"] = total_frames / wall_s;
  state.counters["realtime_factor"] = worst_rtf;  // the slowest session: the document's KPI
  state.counters["realtime_factor_mean"] = sum_rtf / static_cast<double>(succeeded);
  state.counters["success_rate"] = static_cast<double>(succeeded) / static_cast<double>(runs);
  state.counters["cpu_percent"] =
      100.0 * cpu_s / wall_s / std::max(1u, std::thread::hardware_concurrency());
  // Frames per CPU second: per core, whatever else the machine was running.
  state.counters["frames_per_cpu_second"] = total_frames / cpu_s;
  state.counters["peak_rss_mb"] = peak_rss_mib();
  set_latency_counters(state, latency, "frame");
}

}  // namespace

void register_session_benchmarks(const std::vector<int>& seconds) {
  std::vector<std::string> paths;
  std::string label;
  for (int s : seconds) {
    if (!label.empty()) label.push_back('+');
    label.append(std::to_string(s)).push_back('s');
  }
  for (int sessions : {1, 3, 5, 8}) {
    const std::string name = "BM_Sessions/" + label + "/sessions:" + std::to_string(sessions);
    benchmark::RegisterBenchmark(name.c_str(),
                                 [seconds, sessions](benchmark::State& state) {
                                   std::vector<std::string> files;
                                   files.reserve(seconds.size());
                                   for (int s : seconds) files.push_back(cached_video(s, "mpeg4"));
                                   BM_Sessions(state, files, sessions);
                                 })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(1)
        ->Apply(fixed_iterations_from_env);
  }
}

}  // namespace neuro::bench

// The validation platform's volume test: 500 users x 3 projects, 100 test sessions x 200 detection
// events, and its four queries with 1 and 20 concurrent workers, each on its own connection. One
// iteration is one query from every worker at once (manual time: the wall clock of the round);
// per-query latencies go into per-worker histograms, merged.
#include <benchmark/benchmark.h>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "benchmarks/bench_db/db_env.hpp"
#include "benchmarks/common/latency_counters.hpp"
#include "engine/base/latency_histogram.hpp"
#include "engine/store/volume.hpp"

namespace neuro::bench {
namespace {

// Runs one query for worker w in round r; returns the rows it got.
using VolumeQuery =
    std::function<std::size_t(store::VolumeQueries&, int worker, std::int64_t round)>;

void BM_Volume(benchmark::State& state, const VolumeQuery& query) {
  const int workers = static_cast<int>(state.range(0));
  std::vector<std::unique_ptr<store::Connection>> connections;
  std::vector<std::unique_ptr<store::VolumeQueries>> queries;
  for (int w = 0; w < workers; ++w) {
    auto connection = connect_or_skip(state, "public");
    if (!connection) return;
    try {
      connection->set_search_path(volume_schema(*connection));
      queries.push_back(std::make_unique<store::VolumeQueries>(*connection));
    } catch (const std::exception& e) {
      skip_with(state, e);
      return;
    }
    connections.push_back(std::move(connection));
  }
  std::vector<base::LatencyHistogram> histograms(static_cast<std::size_t>(workers));
  std::vector<std::size_t> rows(static_cast<std::size_t>(workers), 0);
  std::vector<std::string> errors(static_cast<std::size_t>(workers));
  std::int64_t round = 0;
  Crew crew(workers, [&](int w) {
    const auto i = static_cast<std::size_t>(w);
    const auto start = std::chrono::steady_clock::now();
    try {
      rows[i] += query(*queries[i], w, round);
    } catch (const std::exception& e) {
      if (errors[i].empty()) errors[i] = e.what();
    }
    histograms[i].record(std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count());
  });
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    crew.run();
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    ++round;
    for (const auto& error : errors) {
      if (!error.empty()) {
        state.SkipWithError(error.c_str());
        return;
      }
    }
  }
  base::LatencyHistogram merged;
  std::size_t total_rows = 0;
  for (std::size_t i = 0; i < histograms.size(); ++i) {
    merged.merge(histograms[i]);
    total_rows += rows[i];
  }
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(total_rows), benchmark::Counter::kIsRate);
  state.counters["queries_per_second"] = benchmark::Counter(
      static_cast<double>(workers), benchmark::Counter::kIsIterationInvariantRate);
  set_latency_counters(state, merged, "query");
}

// Spread the workers over users, projects and sessions so they do not all hit one row.
std::int64_t pick(int worker, std::int64_t round, std::int64_t n) {
  return (static_cast<std::int64_t>(worker) * 7919 + round * 104729) % n + 1;
}

std::size_t user_projects(store::VolumeQueries& q, int w, std::int64_t r) {
  return q.user_projects(pick(w, r, 500)).size();
}
std::size_t recent_sessions(store::VolumeQueries& q, int, std::int64_t) {
  return q.recent_sessions(50).size();
}
std::size_t project_stats(store::VolumeQueries& q, int w, std::int64_t r) {
  return q.project_event_stats(pick(w, r, 1500)).size();
}
std::size_t events_page(store::VolumeQueries& q, int w, std::int64_t r) {
  return q.events_page(pick(w, r, 100), 50, 50 * (r % 4)).size();
}

void volume_args(benchmark::internal::Benchmark* b) {
  b->ArgName("workers")->Arg(1)->Arg(20)->UseManualTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK_CAPTURE(BM_Volume, user_projects, VolumeQuery(user_projects))->Apply(volume_args);
BENCHMARK_CAPTURE(BM_Volume, join_recent_sessions, VolumeQuery(recent_sessions))
    ->Apply(volume_args);
BENCHMARK_CAPTURE(BM_Volume, aggregation_project_events, VolumeQuery(project_stats))
    ->Apply(volume_args);
BENCHMARK_CAPTURE(BM_Volume, pagination_events, VolumeQuery(events_page))->Apply(volume_args);

}  // namespace
}  // namespace neuro::bench

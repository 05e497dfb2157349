// Read latency on the 10 M-row query dataset (50 k under NEUROPERF_BENCH_SMOKE): range (last
// hour, newest first, limit 1,000), aggregate (10 minutes per channel), and the newest value
// per channel in the plain DISTINCT ON form and the engine's LATERAL index probe. Each
// iteration is one query on the next session (round robin), "now" being its newest row.
#include <benchmark/benchmark.h>

#include <chrono>
#include <functional>

#include "benchmarks/bench_db/db_env.hpp"
#include "benchmarks/common/latency_counters.hpp"
#include "engine/base/latency_histogram.hpp"
#include "engine/store/queries.hpp"

namespace neuro::bench {
namespace {

using Query = std::function<std::size_t(store::SampleQueries&, const QueryDataset&, int session)>;

void BM_Query(benchmark::State& state, const Query& query) {
  auto connection = connect_or_skip(state, "public");
  if (!connection) return;
  const QueryDataset* dataset = nullptr;
  std::unique_ptr<store::SampleQueries> queries;
  try {
    dataset = &query_dataset(*connection);
    connection->set_search_path(dataset->schema);
    queries = std::make_unique<store::SampleQueries>(*connection);
  } catch (const std::exception& e) {
    skip_with(state, e);
    return;
  }
  base::LatencyHistogram histogram;
  std::size_t rows = 0;
  int session = 0;
  for (auto _ : state) {
    session = session % dataset->sessions + 1;
    const auto start = std::chrono::steady_clock::now();
    try {
      rows += query(*queries, *dataset, session);
    } catch (const std::exception& e) {
      skip_with(state, e);
      return;
    }
    histogram.record(std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count());
  }
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.counters["dataset_rows"] = static_cast<double>(dataset->rows());
  set_latency_counters(state, histogram, "query");
}

std::size_t range(store::SampleQueries& q, const QueryDataset& d, int s) {
  return q.range(s, d.end_us(s)).size();
}
std::size_t aggregate(store::SampleQueries& q, const QueryDataset& d, int s) {
  return q.aggregate(s, d.end_us(s)).size();
}
std::size_t latest_distinct_on(store::SampleQueries& q, const QueryDataset&, int s) {
  return q.latest_distinct_on(s).size();
}
std::size_t latest_lateral(store::SampleQueries& q, const QueryDataset&, int s) {
  return q.latest_lateral(s).size();
}

BENCHMARK_CAPTURE(BM_Query, range, Query(range))->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Query, aggregate, Query(aggregate))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Query, latest_distinct_on, Query(latest_distinct_on))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Query, latest_lateral, Query(latest_lateral))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace neuro::bench

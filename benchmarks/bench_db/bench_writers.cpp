// Write throughput at the usual client's batch (1,000 timestamps x 8 channels = 8,000 samples) with
// 1, 4 and 20 concurrent writers, each on its own connection and session: the four writers of the
// narrow table, and the same samples packed as 8 chunks into eeg_chunks (COPY BINARY, and one
// multi-row INSERT with binary parameters). One iteration is one batch from every writer at
// once, timed by the wall clock (manual time); each batch's own latency goes into a per-writer
// histogram, merged for batch_p50/p95/p99.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "benchmarks/bench_db/db_env.hpp"
#include "benchmarks/common/latency_counters.hpp"
#include "engine/base/latency_histogram.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "engine/store/schema.hpp"
#include "engine/store/writers.hpp"

namespace neuro::bench {
namespace {

constexpr const char* kSchema = "neuro_bench_writes";
constexpr std::int64_t kStartUs = 1'767'225'600'000'000;  // 2026-01-01 00:00 UTC

std::size_t batch_timestamps() { return smoke_mode() ? 100 : 1000; }

// Everything a run of one benchmark needs: a connection per writer (own schema, tables emptied
// first), the batch of each writer, and per-writer histograms and error slots.
struct WriterSetup {
  std::vector<std::unique_ptr<store::Connection>> connections;
  std::vector<common::SignalBlock> blocks;
  std::vector<base::LatencyHistogram> histograms;
  std::vector<std::string> errors;
};

bool set_up(benchmark::State& state, int writers, WriterSetup& setup) {
  for (int w = 0; w < writers; ++w) {
    auto connection = connect_or_skip(state, kSchema);
    if (!connection) return false;
    setup.connections.push_back(std::move(connection));
  }
  try {
    store::SchemaOptions options;
    options.schema = kSchema;
    store::create_sample_schema(*setup.connections[0], options);
    setup.connections[0]->exec("TRUNCATE eeg_samples, eeg_chunks");
  } catch (const std::exception& e) {
    skip_with(state, e);
    return false;
  }
  for (int w = 0; w < writers; ++w) {
    setup.blocks.push_back(common::make_synthetic_eeg(
        8, 250.0, static_cast<double>(batch_timestamps()) / 250.0, static_cast<std::uint64_t>(w)));
  }
  setup.histograms.resize(static_cast<std::size_t>(writers));
  setup.errors.resize(static_cast<std::size_t>(writers));
  return true;
}

// Runs the iterations: step(writer, iteration) writes one batch and is timed per writer.
template <typename Step>
void run_writers(benchmark::State& state, WriterSetup& setup, Step step) {
  const int writers = static_cast<int>(setup.connections.size());
  std::int64_t iteration = 0;
  Crew crew(writers, [&](int w) {
    const auto start = std::chrono::steady_clock::now();
    try {
      step(w, iteration);
    } catch (const std::exception& e) {
      if (setup.errors[static_cast<std::size_t>(w)].empty()) {
        setup.errors[static_cast<std::size_t>(w)] = e.what();
      }
    }
    setup.histograms[static_cast<std::size_t>(w)].record(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                             start)
            .count());
  });
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    crew.run();
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    ++iteration;
    for (const auto& error : setup.errors) {
      if (!error.empty()) {
        state.SkipWithError(error.c_str());
        return;
      }
    }
  }
  base::LatencyHistogram merged;
  for (const auto& h : setup.histograms) merged.merge(h);
  set_latency_counters(state, merged, "batch");
}

void set_rate_counters(benchmark::State& state, int writers, double rows_per_batch) {
  const double samples = static_cast<double>(writers) * static_cast<double>(batch_timestamps()) * 8;
  state.counters["samples_per_second"] =
      benchmark::Counter(samples, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["rows_per_second"] = benchmark::Counter(
      static_cast<double>(writers) * rows_per_batch, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["writers"] = writers;
}

// Arg: concurrent writers. Each iteration moves the batch's timestamps forward by the batch's
// duration, as a device stream does (8,000 integer stores, negligible next to the write).
// Re-sending the same timestamps would pile up duplicate keys in both indexes and measure
// btree posting-list maintenance scattered over a growing index instead of ingest: that made
// COPY 3x slower than appending, while row-per-INSERT, bound by round trips, hardly noticed.
void BM_WriteSamples(benchmark::State& state, store::WriteMethod method) {
  const int writers = static_cast<int>(state.range(0));
  WriterSetup setup;
  if (!set_up(state, writers, setup)) return;
  std::vector<std::vector<store::SampleRow>> batches;
  batches.reserve(static_cast<std::size_t>(writers));
  for (int w = 0; w < writers; ++w) {
    batches.push_back(
        store::rows_from_block(setup.blocks[static_cast<std::size_t>(w)], w + 1, kStartUs));
  }
  const std::int64_t batch_us = static_cast<std::int64_t>(batch_timestamps()) * 4000;  // 250 Hz
  std::vector<std::int64_t> written(static_cast<std::size_t>(writers), 0);  // iterations so far
  run_writers(state, setup, [&](int w, std::int64_t iteration) {
    auto& rows = batches[static_cast<std::size_t>(w)];
    const std::int64_t shift = (iteration - written[static_cast<std::size_t>(w)]) * batch_us;
    if (shift != 0) {
      for (auto& row : rows) row.time_us += shift;
    }
    written[static_cast<std::size_t>(w)] = iteration;
    store::write_samples(*setup.connections[static_cast<std::size_t>(w)], rows, method);
  });
  set_rate_counters(state, writers, static_cast<double>(batch_timestamps()) * 8);
}

// Arg: concurrent writers. Chunks have a primary key, so each iteration moves the batch's
// chunk_start forward by the batch's duration (8 integer stores, negligible).
void BM_WriteChunks(benchmark::State& state, bool use_copy) {
  const int writers = static_cast<int>(state.range(0));
  WriterSetup setup;
  if (!set_up(state, writers, setup)) return;
  std::vector<std::vector<store::ChunkRow>> batches;
  batches.reserve(static_cast<std::size_t>(writers));
  for (int w = 0; w < writers; ++w) {
    batches.push_back(store::chunks_from_block(setup.blocks[static_cast<std::size_t>(w)], w + 1,
                                               kStartUs, batch_timestamps()));
  }
  const std::int64_t batch_us = static_cast<std::int64_t>(batch_timestamps()) * 4000;  // 250 Hz
  run_writers(state, setup, [&](int w, std::int64_t iteration) {
    auto& chunks = batches[static_cast<std::size_t>(w)];
    for (auto& chunk : chunks) chunk.chunk_start_us = kStartUs + iteration * batch_us;
    auto& connection = *setup.connections[static_cast<std::size_t>(w)];
    if (use_copy) {
      store::copy_chunks(connection, chunks);
    } else {
      store::insert_chunks(connection, chunks);
    }
  });
  set_rate_counters(state, writers, 8.0);
}

void writer_args(benchmark::internal::Benchmark* b) {
  b->ArgName("writers")->Arg(1)->Arg(4)->Arg(20)->UseManualTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK_CAPTURE(BM_WriteSamples, row_insert, store::WriteMethod::kRowInsert)->Apply(writer_args);
BENCHMARK_CAPTURE(BM_WriteSamples, multirow_insert, store::WriteMethod::kMultiRowInsert)
    ->Apply(writer_args);
BENCHMARK_CAPTURE(BM_WriteSamples, pipeline, store::WriteMethod::kPipeline)->Apply(writer_args);
BENCHMARK_CAPTURE(BM_WriteSamples, copy_binary, store::WriteMethod::kCopyBinary)
    ->Apply(writer_args);
BENCHMARK_CAPTURE(BM_WriteChunks, copy_binary, true)->Apply(writer_args);
BENCHMARK_CAPTURE(BM_WriteChunks, multirow_insert, false)->Apply(writer_args);

}  // namespace
}  // namespace neuro::bench

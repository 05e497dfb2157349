// Shared by the bench_db benchmarks: the server (or the skip reason when it is down), the
// schemas each benchmark writes into, the 10 M-row query dataset loaded once and remembered by
// a marker table, and a crew of threads that run one step each per iteration.
#pragma once

#include <benchmark/benchmark.h>

#include <barrier>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/store/connection.hpp"

namespace neuro::bench {

// A connection to NEUROPERF_PG_URL in `schema` (search_path set; the schema is not created).
// When the server cannot be reached, calls state.SkipWithError("service unavailable: ...") and
// returns nothing; after the first such failure later calls skip at once (no connect_timeout
// per benchmark).
std::unique_ptr<store::Connection> connect_or_skip(benchmark::State& state,
                                                   const std::string& schema);

// Reports a store error: unreachable -> "service unavailable" skip, anything else an error.
void skip_with(benchmark::State& state, const std::exception& error);

bool smoke_mode();

// The query dataset: `sessions` sessions x 8 channels, one row per channel per second, session
// s starting s hours after 2026-01-01 00:00 UTC, values from the synthetic EEG generator.
struct QueryDataset {
  std::string schema;
  int sessions = 0;
  int seconds_per_session = 0;
  std::int64_t rows() const { return std::int64_t{sessions} * seconds_per_session * 8; }
  std::int64_t start_us(int session) const;  // session ids are 1..sessions
  std::int64_t end_us(int session) const;    // time of the session's last row
};

// 10 M rows (50 sessions x 25,000 s), or 50 k under NEUROPERF_BENCH_SMOKE. Loaded with COPY
// BINARY (indexes built afterwards) only when the marker table does not already describe the
// same data; then the tables are vacuumed and analysed. Throws store errors.
const QueryDataset& query_dataset(store::Connection& connection);

// The volume-test data (users, projects, sessions, events) in its own schema, loaded once.
std::string volume_schema(store::Connection& connection);

// `workers` threads that each run step(worker) once per run() call, which returns when all have
// finished. One worker runs on the calling thread (no hand-off cost).
class Crew {
 public:
  Crew(int workers, std::function<void(int)> step);
  ~Crew();
  Crew(const Crew&) = delete;
  Crew& operator=(const Crew&) = delete;
  void run();

 private:
  int workers_;
  std::function<void(int)> step_;
  std::barrier<> start_;
  std::barrier<> done_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace neuro::bench

// What every bench_http benchmark shares: a logged-in client for NEUROPERF_TARGET_URL (or the
// skip "service unavailable: ..." when the target is down, remembered so later benchmarks skip
// at once), the timed loop that records each operation's latency, and the counters
// (ops_per_second, latency_p50_ms/_p95_ms/_p99_ms/_max_ms).
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>

#include "benchmarks/bench_http/http_client.hpp"
#include "engine/base/latency_histogram.hpp"

namespace neuro::bench::http_bench {

bool smoke_mode();

// A client with a bearer token for test_user (POST /auth/token). Nullptr after SkipWithError:
// "service unavailable: <url>: <reason>" when the target cannot be reached, a plain error for
// anything else (bad URL, refused login).
std::unique_ptr<HttpClient> client_or_skip(benchmark::State& state);

// Reports an exception: Unreachable -> "service unavailable" (and later benchmarks skip at
// once), anything else -> the error itself.
void skip_with(benchmark::State& state, const std::exception& error);

// Throws std::runtime_error "<what>: expected <status>, got <status>: <body start>" unless the
// response has the expected status and (for JSON routes) Content-Type application/json.
void expect(const Response& response, unsigned status, const std::string& what, bool json = true);

// The session the read benchmarks use: NEUROPERF_BENCH_SESSION when set, else the embedded
// server's demo_session_1 (OpenBCI, 8 x 60 s at 250 Hz) when the target has it, else the newest
// listed (as the documents' API load test picks one). A fixed session, not simply the newest:
// the upload benchmarks create sessions of their own, which would change what the others read.
// Throws when the target has none.
std::string bench_session_id(HttpClient& client);

// Runs state's iterations: each calls `op()`, timed by steady_clock, its latency recorded and
// given to SetIterationTime; then publishes ops_per_second (operations per second of measured
// time) and the latency counters. With `warm_up`, one untimed op() first (a cold model or
// cache is not what one request costs). An exception ends the loop through skip_with().
template <typename Op>
void timed_loop(benchmark::State& state, Op op, bool warm_up = true);

void publish(benchmark::State& state, const base::LatencyHistogram& histogram, double ops,
             double seconds);

template <typename Op>
void timed_loop(benchmark::State& state, Op op, bool warm_up) {
  using Clock = std::chrono::steady_clock;
  if (warm_up) {
    try {
      op();
    } catch (const std::exception& e) {
      skip_with(state, e);
      return;
    }
  }
  base::LatencyHistogram histogram;
  double measured_s = 0.0;
  double ops = 0.0;
  for (auto _ : state) {
    try {
      const auto start = Clock::now();
      op();
      const auto elapsed = Clock::now() - start;
      const double seconds = std::chrono::duration<double>(elapsed).count();
      state.SetIterationTime(seconds);
      histogram.record(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
      measured_s += seconds;
      ops += 1.0;
    } catch (const std::exception& e) {
      skip_with(state, e);
      break;
    }
  }
  publish(state, histogram, ops, measured_s);
}

}  // namespace neuro::bench::http_bench

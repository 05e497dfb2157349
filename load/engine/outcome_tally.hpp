// The counting half of a load thread, shared by both engines: per-step requests, errors by
// kind and latency, the per-second series handed to the main thread, and the live counters
// its progress line reads. Engines say what happened; this decides how it is counted.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "load/results/request_stats.hpp"

namespace neuro::load {

// A 4xx or 5xx answer is an error of its own kind (it keeps its latency); others are not.
inline std::optional<ErrorKind> status_error(int status) {
  if (status >= 500) return ErrorKind::kStatus5xx;
  if (status >= 400) return ErrorKind::kStatus4xx;
  return std::nullopt;
}

class OutcomeTally {
 public:
  explicit OutcomeTally(std::size_t step_count) : steps_(step_count) {}
  OutcomeTally(const OutcomeTally&) = delete;
  OutcomeTally& operator=(const OutcomeTally&) = delete;

  // An answered request of `step`: latency from `intended_ns`, service time from `sent_ns`;
  // `kind` when the answer counts as an error (status_error(), or what the step expected).
  void answered(std::size_t step, std::optional<ErrorKind> kind, std::int64_t intended_ns,
                std::int64_t sent_ns, std::int64_t now) {
    StepStats& stats = steps_[step];
    const std::int64_t latency = now - intended_ns;
    stats.latency.record(latency);
    stats.service.record(now - sent_ns);
    ++stats.requests;
    ++requests_;
    if (kind) {
      ++stats.errors[static_cast<int>(*kind)];
      ++errors_;
    }
    count_second(now, kind.has_value(), latency, true);
  }

  // A request of `step` that got no answer: counted, without a latency.
  void failed(std::size_t step, ErrorKind kind, std::int64_t now) {
    StepStats& stats = steps_[step];
    ++stats.requests;
    ++stats.errors[static_cast<int>(kind)];
    ++requests_;
    ++errors_;
    count_second(now, true, 0, false);
  }

  // `checks` conditions of `step` evaluated on one answer, `failures` of them false.
  void checked(std::size_t step, std::int64_t checks, std::int64_t failures) {
    steps_[step].checks += checks;
    steps_[step].check_failures += failures;
  }
  // What a ws: step's sessions measure, filled by the WebSocket transport.
  WsStats& ws(std::size_t step) {
    steps_[step].ws.used = true;
    return steps_[step].ws;
  }
  // WebSocket messages received and sent since the last call, counted in the second of `now`.
  void ws_messages(std::int64_t now, std::int64_t in, std::int64_t out) {
    tick(now);
    second_point_.ws_in += in;
    second_point_.ws_out += out;
  }
  // A latency a ws: step measured (a message's), counted in the second of `now`.
  void ws_latency(std::int64_t now, std::int64_t latency_ns) {
    tick(now);
    second_ws_hist_.record(latency_ns);
  }
  // A user began an iteration (an open model: an arrival was served), counted in `now`'s second.
  void iteration_begun(std::int64_t now) {
    tick(now);
    ++second_point_.iterations;
  }
  // How long the answer of a `step` request waited in the socket before the read that ended it.
  void read_lag(std::size_t step, std::int64_t lag_ns) { steps_[step].read_lag.record(lag_ns); }
  // A polling step's loop ended after `total_ns` (its condition held, or it gave up).
  void polled(std::size_t step, std::int64_t total_ns) { steps_[step].poll.record(total_ns); }
  // The group starting at `step` was left, complete, `total_ns` after it was entered.
  void grouped(std::size_t step, std::int64_t total_ns) { steps_[step].group.record(total_ns); }

  // Called by the loop on every turn: hands a finished second to the main thread.
  void tick(std::int64_t now) {
    if (now / 1'000'000'000 != second_) {
      flush_second();
      second_ = now / 1'000'000'000;
    }
  }
  void flush_second();
  // When the current second ends: the loop wakes by then, so the main thread finds each second
  // flushed soon after it ends, even while every user is thinking.
  std::int64_t second_ends_ns() const { return (second_ + 1) * 1'000'000'000; }
  Series take_series();  // any thread

  void publish(std::int64_t users) {
    live_requests_.store(requests_, std::memory_order_relaxed);
    live_errors_.store(errors_, std::memory_order_relaxed);
    live_users_.store(users, std::memory_order_relaxed);
  }
  std::int64_t live_requests() const { return live_requests_.load(std::memory_order_relaxed); }
  std::int64_t live_errors() const { return live_errors_.load(std::memory_order_relaxed); }
  std::int64_t live_users() const { return live_users_.load(std::memory_order_relaxed); }

  const std::vector<StepStats>& steps() const { return steps_; }
  std::int64_t answered_total() const;

 private:
  void count_second(std::int64_t now, bool error, std::int64_t latency_ns, bool recorded) {
    const std::int64_t s = now / 1'000'000'000;
    if (s != second_) {
      flush_second();
      second_ = s;
    }
    ++second_point_.requests;
    if (error) ++second_point_.errors;
    if (recorded) second_hist_.record(latency_ns);
  }

  std::vector<StepStats> steps_;
  std::int64_t requests_ = 0, errors_ = 0;

  // Current second of the series, flushed into flushed_ under the mutex.
  std::int64_t second_ = 0;
  IntervalStats second_point_;
  base::LatencyHistogram second_hist_{base::LatencyHistogram::kOneHourNs, kSeriesSignificantDigits};
  base::LatencyHistogram second_ws_hist_{base::LatencyHistogram::kOneHourNs,
                                         kSeriesSignificantDigits};
  std::mutex series_mutex_;
  Series flushed_;

  std::atomic<std::int64_t> live_requests_{0}, live_errors_{0}, live_users_{0};
};

}  // namespace neuro::load

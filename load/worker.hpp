// One load thread: an epoll loop over non-blocking keep-alive HTTP/1.1 connections. Closed
// model: one connection per user, iterating the steps with think time. Open model: arrivals
// from the rate curve go to idle connections (or wait in a queue and count as late); latency
// counts from the intended send time and service time from the actual one. Every failure is a
// counted outcome of its request.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "load/http_request.hpp"
#include "load/response_parser.hpp"
#include "load/scenario.hpp"
#include "load/schedule.hpp"
#include "load/step_stats.hpp"

namespace neuro::load {

struct WorkerConfig {
  const Scenario* scenario = nullptr;
  sockaddr_storage address{};
  socklen_t address_size = 0;
  TargetUrl target;
  std::string auth_header;   // substituted, may be empty
  Variables base_variables;  // captured by the auth step
  bool open_model = false;
  std::vector<double> user_starts_s;  // closed model
  std::int64_t iterations = 0;        // closed model, per user; 0 = unlimited
  RateCurve curve;                    // open model
  Lane lane;
  int connections = 1;  // open model pool size
  double duration_s = 0;
  double think_time_s = 0;
  double timeout_s = 10;
  std::chrono::steady_clock::time_point start;
};

class Worker {
 public:
  explicit Worker(WorkerConfig config);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // The thread body: returns when the duration ends, every user finished its iterations, or
  // `stop` is set.
  void run(const std::atomic<bool>& stop);

  // Safe from any thread while run() goes on.
  std::int64_t live_requests() const { return live_requests_.load(std::memory_order_relaxed); }
  std::int64_t live_errors() const { return live_errors_.load(std::memory_order_relaxed); }
  std::int64_t live_users() const { return live_users_.load(std::memory_order_relaxed); }
  Series take_series();  // the seconds completed so far, moved out

  // After run().
  const std::vector<StepStats>& steps() const { return steps_; }
  std::int64_t late_sends() const { return late_sends_; }
  std::int64_t dropped_sends() const { return dropped_sends_; }
  std::int64_t open_connections_peak() const { return connections_peak_; }

 private:
  struct Conn;
  enum class Phase { kIdle, kConnecting, kWriting, kReading, kWaiting, kFinished };

  std::int64_t now_ns() const;
  void start_request(Conn& c, std::int64_t intended_ns, std::int64_t now);
  void begin_connect(Conn& c, std::int64_t now);
  void on_event(Conn& c, std::uint32_t events, std::int64_t now);
  void do_write(Conn& c, std::int64_t now);
  void do_read(Conn& c, std::int64_t now);
  void complete(Conn& c, std::int64_t now);
  void fail(Conn& c, ErrorKind kind, std::int64_t now);
  void after_request(Conn& c, bool ok, std::int64_t now);
  void end_iteration(Conn& c, bool ok, std::int64_t now);
  void take_arrival(Conn& c, std::int64_t now);
  void close_conn(Conn& c);
  void count_second(std::int64_t now, bool error, std::int64_t latency_ns, bool recorded);
  void flush_second();
  void schedule(Conn& c, std::int64_t at_ns);
  void release_arrivals(std::int64_t now);
  void check_timeouts(std::int64_t now);
  bool busy() const;
  void publish();

  WorkerConfig config_;
  std::vector<std::string> static_requests_;
  std::vector<Conn> conns_;
  std::vector<std::uint32_t> idle_;   // open model: connections waiting for an arrival
  std::deque<std::int64_t> pending_;  // open model: arrivals waiting for a connection
  std::vector<std::pair<std::int64_t, std::uint32_t>> timers_;  // min-heap (wake ns, conn)
  std::int64_t next_arrival_k_ = 0;
  std::int64_t next_arrival_ns_ = INT64_MAX;
  std::int64_t end_ns_ = 0;
  std::int64_t timeout_ns_ = 0;
  bool draining_ = false;
  int epoll_fd_ = -1;
  std::vector<char> read_buffer_;
  std::vector<StepStats> steps_;

  // Current second of the series, flushed into flushed_ under the mutex.
  std::int64_t second_ = 0;
  SeriesPoint second_point_;
  common::LatencyHistogram second_hist_{common::LatencyHistogram::kOneHourNs,
                                        kSeriesSignificantDigits};
  std::mutex series_mutex_;
  Series flushed_;

  std::int64_t requests_ = 0, errors_ = 0, users_running_ = 0, finished_users_ = 0;
  std::int64_t late_sends_ = 0, dropped_sends_ = 0, connections_open_ = 0, connections_peak_ = 0;
  std::atomic<std::int64_t> live_requests_{0}, live_errors_{0}, live_users_{0};
};

}  // namespace neuro::load

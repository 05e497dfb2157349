// One load thread: an epoll loop over non-blocking keep-alive HTTP/1.1 connections. Closed
// model: one connection per user, iterating the steps with think time. Open model: arrivals
// from the rate curve go to idle connections (or wait in a queue and count as late); latency
// counts from the intended send time and service time from the actual one. Every failure is a
// counted outcome of its request.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load/engine/arrival_queue.hpp"
#include "load/engine/load_thread.hpp"
#include "load/engine/outcome_tally.hpp"
#include "load/engine/policy.hpp"
#include "load/http/response_parser.hpp"

namespace neuro::load {

class EpollThread final : public LoadThread {
 public:
  explicit EpollThread(LoadThreadConfig config);
  ~EpollThread();
  EpollThread(const EpollThread&) = delete;
  EpollThread& operator=(const EpollThread&) = delete;

  void run(const std::atomic<bool>& stop) override;

  std::int64_t live_requests() const override { return tally_.live_requests(); }
  std::int64_t live_errors() const override { return tally_.live_errors(); }
  std::int64_t live_users() const override { return tally_.live_users(); }
  Series take_series() override { return tally_.take_series(); }

  const std::vector<StepStats>& steps() const override { return tally_.steps(); }
  std::int64_t late_sends() const override { return late_sends_; }
  std::int64_t dropped_sends() const override { return arrivals_.dropped(); }
  std::int64_t open_connections_peak() const override { return connections_peak_; }
  std::map<std::string, std::int64_t> responses_by_http_version() const override {
    return {{"1.1", tally_.answered_total()}};
  }

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
  void schedule(Conn& c, std::int64_t at_ns);
  void release_arrivals(std::int64_t now);
  void check_timeouts(std::int64_t now);
  bool busy() const;
  void publish();

  LoadThreadConfig config_;
  std::vector<std::string> static_requests_;
  std::vector<Conn> conns_;
  ArrivalQueue arrivals_;                                       // open model
  std::vector<std::pair<std::int64_t, std::uint32_t>> timers_;  // min-heap (wake ns, conn)
  std::int64_t end_ns_ = 0;
  std::int64_t timeout_ns_ = 0;
  bool draining_ = false;
  int epoll_fd_ = -1;
  std::vector<char> read_buffer_;
  OutcomeTally tally_;

  std::int64_t users_running_ = 0, finished_users_ = 0;
  std::int64_t late_sends_ = 0, connections_open_ = 0, connections_peak_ = 0;
};

}  // namespace neuro::load

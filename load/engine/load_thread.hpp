// What phase.cpp needs from a load thread: its configuration, its body, its live counters and
// what it counted. UserDriver (user_driver.hpp) implements it over either transport; the
// interface sits at the phase level only, never inside a thread's loop.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "load/engine/transport_options.hpp"
#include "load/http/http_request.hpp"
#include "load/results/request_stats.hpp"
#include "load/scenario/scenario.hpp"
#include "load/scenario/schedule.hpp"

namespace neuro::load {

struct LoadThreadConfig {
  const Scenario* scenario = nullptr;
  sockaddr_storage address{};
  socklen_t address_size = 0;
  TargetUrl target;
  TransportOptions transport;
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

class LoadThread {
 public:
  virtual ~LoadThread() = default;

  // The thread body: returns when the duration ends, every user finished its iterations, or
  // `stop` is set.
  virtual void run(const std::atomic<bool>& stop) = 0;

  // Safe from any thread while run() goes on.
  virtual std::int64_t live_requests() const = 0;
  virtual std::int64_t live_errors() const = 0;
  virtual std::int64_t live_users() const = 0;
  virtual Series take_series() = 0;  // the seconds completed so far, moved out

  // After run().
  virtual const std::vector<StepStats>& steps() const = 0;
  virtual std::int64_t late_sends() const = 0;
  virtual std::int64_t dropped_sends() const = 0;
  virtual std::int64_t open_connections_peak() const = 0;
  // Answered requests by the HTTP version they were answered with ("1.1", "2").
  virtual std::map<std::string, std::int64_t> responses_by_http_version() const = 0;
};

}  // namespace neuro::load

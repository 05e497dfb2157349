// The state of PostgreSQL and Redis as seen by a background check (one round trip to each per
// interval on connections of its own), so GET /health and the 503 guard read two atomics
// instead of touching either server per request.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "engine/cache/redis_url.hpp"

namespace neuro::server {

class HealthMonitor {
 public:
  // Runs the first check before returning, so the state is known from the start.
  HealthMonitor(std::string pg_url, cache::RedisUrl redis_url, std::chrono::milliseconds interval);
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  bool postgres_up() const noexcept { return postgres_up_.load(std::memory_order_relaxed); }
  bool redis_up() const noexcept { return redis_up_.load(std::memory_order_relaxed); }
  // Milliseconds since the last completed check (for the health answer).
  std::int64_t age_ms() const noexcept;
  // Runs a check now (tests, and after a request saw a dead connection).
  void check_now();

 private:
  struct Links;
  void run();

  std::string pg_url_;
  cache::RedisUrl redis_url_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> postgres_up_{false};
  std::atomic<bool> redis_up_{false};
  std::atomic<std::int64_t> last_check_ns_{0};
  std::mutex mutex_;  // guards links_ and stop_
  std::condition_variable wake_;
  bool stop_ = false;
  std::unique_ptr<Links> links_;
  std::thread thread_;
};

}  // namespace neuro::server

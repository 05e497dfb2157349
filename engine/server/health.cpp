#include "engine/server/health.hpp"

#include <optional>

#include "engine/cache/connection.hpp"
#include "engine/store/connection.hpp"

namespace neuro::server {

struct HealthMonitor::Links {
  std::unique_ptr<store::Connection> postgres;
  std::optional<cache::Connection> redis;
};

namespace {
std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

HealthMonitor::HealthMonitor(std::string pg_url, cache::RedisUrl redis_url,
                             std::chrono::milliseconds interval)
    : pg_url_(std::move(pg_url)),
      redis_url_(std::move(redis_url)),
      interval_(interval),
      links_(std::make_unique<Links>()) {
  check_now();
  thread_ = std::thread([this] { run(); });
}

HealthMonitor::~HealthMonitor() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::int64_t HealthMonitor::age_ms() const noexcept {
  return (steady_ns() - last_check_ns_.load(std::memory_order_relaxed)) / 1'000'000;
}

void HealthMonitor::check_now() {
  std::lock_guard lock(mutex_);
  bool pg = false;
  try {
    if (!links_->postgres || !links_->postgres->ok()) {
      store::ConnectOptions options;
      options.connect_timeout_s = 2;
      options.statement_timeout_ms = 2000;
      options.application_name = "neuroperf-server-health";
      links_->postgres = std::make_unique<store::Connection>(pg_url_, options);
    }
    links_->postgres->exec("SELECT 1");
    pg = true;
  } catch (const std::exception&) {
    links_->postgres.reset();
  }
  bool redis = false;
  try {
    if (!links_->redis || links_->redis->broken()) {
      links_->redis.reset();
      links_->redis.emplace(cache::Connection::open(redis_url_, {1000, 1000}));
    }
    redis = !links_->redis->command({"PING"}).is_error();
  } catch (const std::exception&) {
    links_->redis.reset();
  }
  postgres_up_.store(pg, std::memory_order_relaxed);
  redis_up_.store(redis, std::memory_order_relaxed);
  last_check_ns_.store(steady_ns(), std::memory_order_relaxed);
}

void HealthMonitor::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, interval_, [this] { return stop_; })) return;
    }
    check_now();
  }
}

}  // namespace neuro::server

#include "engine/cache/pool.hpp"

#include "engine/base/errors.hpp"

namespace neuro::cache {

ConnectionPool::ConnectionPool(RedisUrl url, ConnectionOptions options, std::size_t max_size)
    : url_(std::move(url)), options_(options), max_size_(max_size) {
  if (max_size_ == 0) {
    throw base::InvalidArgument("redis pool for " + url_.display() + ": max_size must be >= 1");
  }
}

ConnectionPool::Lease::Lease(ConnectionPool& pool, Connection connection)
    : pool_(&pool), connection_(std::move(connection)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {
  other.connection_.reset();
}

ConnectionPool::Lease::~Lease() {
  if (connection_) pool_->give_back(std::move(*connection_));
}

ConnectionPool::Lease ConnectionPool::acquire(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (idle_.empty() && open_ >= max_size_) {
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= max_size_) {
      throw base::Error(base::ExitCode::kUnreachable,
                        "redis pool for " + url_.display() + ": all " + std::to_string(max_size_) +
                            " connections stayed busy for " + std::to_string(wait.count()) + " ms");
    }
  }
  if (!idle_.empty()) {
    Connection connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  // Connect without holding the lock: a slow or absent server must not block other leases.
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, Connection::open(url_, options_));
  } catch (...) {
    lock.lock();
    --open_;
    returned_.notify_one();
    throw;
  }
}

void ConnectionPool::give_back(Connection connection) noexcept {
  std::optional<Connection> to_close;  // closed after the lock is released
  {
    std::lock_guard lock(mutex_);
    // A broken connection, or one returned with replies still unread, is out of step with its
    // server: close it and free the slot for a fresh one.
    if (connection.broken() || connection.pending() != 0) {
      --open_;
      to_close.emplace(std::move(connection));
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  returned_.notify_one();
}

std::size_t ConnectionPool::open_count() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t ConnectionPool::idle_count() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace neuro::cache

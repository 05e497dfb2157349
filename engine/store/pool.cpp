#include "engine/store/pool.hpp"

#include <utility>

namespace neuro::store {

ConnectionPool::ConnectionPool(std::string url, std::size_t size, ConnectOptions options,
                               OnConnect on_connect)
    : url_(std::move(url)),
      size_(size),
      options_(std::move(options)),
      on_connect_(std::move(on_connect)) {
  if (size == 0) {
    throw base::InvalidArgument("connection pool for " + redact_url(url_) +
                                ": size must be at least 1");
  }
  idle_.reserve(size);
  for (std::size_t i = 0; i < size; ++i) idle_.push_back(open());
}

std::unique_ptr<Connection> ConnectionPool::open() {
  auto connection = std::make_unique<Connection>(url_, options_);
  if (on_connect_) on_connect_(*connection);
  return connection;
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty(); });
    connection = std::move(idle_.back());
    idle_.pop_back();
  }
  if (!connection->ok()) {
    try {
      connection = open();
    } catch (...) {
      // Keep the slot: put the dead connection back so the pool does not shrink, then report.
      release(std::move(connection));
      throw;
    }
    std::lock_guard lock(mutex_);
    ++reconnects_;
  }
  return Lease(this, std::move(connection));
}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_) pool_->release(std::move(connection_));
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

std::size_t ConnectionPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::size_t ConnectionPool::reconnects() const {
  std::lock_guard lock(mutex_);
  return reconnects_;
}

}  // namespace neuro::store

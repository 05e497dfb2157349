// A bounded pool of Redis connections shared by threads: connections are opened on demand up
// to max_size, handed out as leases that return them on destruction, and dropped instead of
// returned when broken (an I/O error or timeout), so a restarted server heals the pool.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/cache/connection.hpp"
#include "engine/cache/redis_url.hpp"

namespace neuro::cache {

class ConnectionPool {
 public:
  // Throws base::InvalidArgument when max_size is 0. Opens nothing yet.
  ConnectionPool(RedisUrl url, ConnectionOptions options, std::size_t max_size);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() noexcept { return *connection_; }
    Connection* operator->() noexcept { return &*connection_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool& pool, Connection connection);
    ConnectionPool* pool_;
    std::optional<Connection> connection_;
  };

  // An idle connection, else a new one while fewer than max_size exist, else waits up to
  // `wait` for one to come back. Throws base::Error (kUnreachable) naming the URL when the
  // server cannot be reached or no connection came back in time.
  Lease acquire(std::chrono::milliseconds wait = std::chrono::milliseconds(2000));

  std::size_t max_size() const noexcept { return max_size_; }
  // Connections that exist now (idle or leased).
  std::size_t open_count() const;
  std::size_t idle_count() const;

 private:
  void give_back(Connection connection) noexcept;

  const RedisUrl url_;
  const ConnectionOptions options_;
  const std::size_t max_size_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<Connection> idle_;
  std::size_t open_ = 0;  // idle plus leased plus being opened
};

}  // namespace neuro::cache

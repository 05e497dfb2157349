// A fixed-size pool of PostgreSQL connections: one per concurrent writer or query worker,
// opened up front (so a bad URL fails at start), handed out as leases, and replaced when a
// returned connection turned out to be broken.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/store/connection.hpp"

namespace neuro::store {

class ConnectionPool {
 public:
  // Runs on every new connection (first open and replacement), e.g. to set the search_path.
  using OnConnect = std::function<void(Connection&)>;

  // Opens `size` connections; throws InvalidArgument for size 0 and the Connection's Error when
  // the server cannot be reached.
  ConnectionPool(std::string url, std::size_t size, ConnectOptions options = {},
                 OnConnect on_connect = {});

  // Returns its connection to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const noexcept { return *connection_; }
    Connection* operator->() const noexcept { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // Waits until a connection is free. A connection whose link broke while it was out is
  // reopened here (throws when that fails), so callers never get a dead one knowingly.
  Lease acquire();

  std::size_t size() const noexcept { return size_; }
  std::size_t idle() const;
  std::size_t reconnects() const;

 private:
  void release(std::unique_ptr<Connection> connection);
  std::unique_ptr<Connection> open();

  std::string url_;
  std::size_t size_;
  ConnectOptions options_;
  OnConnect on_connect_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t reconnects_ = 0;
};

}  // namespace neuro::store

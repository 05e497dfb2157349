// Many Redis connections driven by one thread with poll(2), each keeping a window of `depth`
// pipelined commands in flight: how a load generator (redis-benchmark, memtier) reaches the
// server's limit without a thread per connection. Used for throughput; the typed API in
// commands.hpp stays the engine's path for single requests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "engine/base/latency_histogram.hpp"
#include "engine/cache/connection.hpp"

namespace neuro::cache {

class Multiplexer {
 public:
  // Takes the connections (opened, authenticated, idle) and switches them to non-blocking.
  // Throws base::InvalidArgument when there are none or one has replies pending.
  explicit Multiplexer(std::vector<Connection> connections);

  // Queues command number `op` on `connection` (Connection::append).
  using AppendFn = std::function<void(Connection& connection, std::size_t op)>;
  // Inspects the reply to command number `op`; false counts it as failed.
  using CheckFn = std::function<bool(const Reply& reply, std::size_t op)>;

  struct Result {
    std::size_t completed = 0;  // replies received
    std::size_t failed = 0;     // replies CheckFn rejected
    // One value per window: from queueing its commands to reading its last reply.
    base::LatencyHistogram window_latency;
  };

  // Issues commands 0..total_ops-1, at most `depth` per connection per round trip; a connection
  // whose window is complete immediately gets the next. Throws base::Error (kUnreachable)
  // naming the URL when a connection fails or nothing arrives within its command timeout;
  // the multiplexer is unusable afterwards. depth == 0 throws base::InvalidArgument.
  Result run(std::size_t total_ops, std::size_t depth, const AppendFn& append,
             const CheckFn& check);

 private:
  std::vector<Connection> connections_;
};

}  // namespace neuro::cache

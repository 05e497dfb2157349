// How a load thread's requests reach the target, under the user model (user_driver.hpp): the
// driver decides when each slot (a closed-model user, or a connection of the open model's pool)
// sends which step; the transport moves the bytes and reports the end of each request back
// with UserDriver::answered() or failed(), possibly from inside start(). epoll/ speaks plain
// HTTP/1.1 over its own sockets; curl/ drives libcurl's multi interface (TLS, HTTP/2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "load/scenario/variables.hpp"

namespace neuro::load {

class UserDriver;

class Transport {
 public:
  virtual ~Transport() = default;

  // Before the first request: `slots` slots, reporting to `driver`.
  virtual void begin(UserDriver& driver, std::size_t slots) = 0;
  // Sends step `step` of the scenario for `slot`, its ${variables} taken from `variables`.
  virtual void start(std::uint32_t slot, std::size_t step, const Variables& variables,
                     std::int64_t now) = 0;
  // The slot's user is done (its iterations, or the end of the run): release its connection.
  virtual void close(std::uint32_t slot) = 0;

  // Once per loop turn, before waiting: the transport's own deadlines (request timeouts,
  // libcurl's timer).
  virtual void on_turn(std::int64_t now) = 0;
  // The loop sleeps no later than this for the transport's sake.
  virtual std::int64_t wake_by_ns(std::int64_t now) const = 0;
  // Waits for readiness up to `wait_ns` and handles what became ready.
  virtual void poll(std::int64_t wait_ns) = 0;
  // The end of the run: what is still in flight is abandoned, every connection closed.
  virtual void end() = 0;

  virtual std::int64_t open_connections() const = 0;
  virtual std::int64_t open_connections_peak() const = 0;
  // Answered requests by the HTTP version they came back with; `answered` counts them all.
  virtual std::map<std::string, std::int64_t> responses_by_http_version(
      std::int64_t answered) const = 0;
};

}  // namespace neuro::load

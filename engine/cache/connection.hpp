// One blocking connection to Redis (hiredis): the redisContext and every reply live in RAII
// owners; connect and command timeouts bound every wait; an I/O failure or timeout becomes a
// base::Error with ExitCode::kUnreachable naming the URL, and marks the connection broken.
// Commands can be queued (append) and their replies read later, in order: that is pipelining.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/cache/redis_url.hpp"

struct redisContext;
struct redisReply;

namespace neuro::cache {

struct ConnectionOptions {
  int connect_timeout_ms = 1000;
  int command_timeout_ms = 2000;  // per read or write on the socket
};

// One reply, owned. Types are RESP2's: string, array, integer, nil, status, error.
class Reply {
 public:
  Reply() = default;
  explicit Reply(redisReply* reply) noexcept;

  bool is_nil() const noexcept;
  bool is_error() const noexcept;
  bool is_string() const noexcept;  // bulk string
  bool is_integer() const noexcept;
  bool is_status() const noexcept;
  // The text of a bulk string, status or error reply; empty for other types.
  std::string_view text() const noexcept;
  std::int64_t integer() const noexcept;
  // "string", "array", "integer", "nil", "status", "error": for messages.
  std::string_view type_name() const noexcept;

 private:
  struct Free {
    void operator()(redisReply* reply) const noexcept;
  };
  std::unique_ptr<redisReply, Free> reply_;
};

class Connection {
 public:
  // Connects, then AUTH and SELECT when the URL asks for them. Throws base::Error
  // (kUnreachable) naming the URL when the server cannot be reached or refuses the credentials
  // or database, base::InvalidArgument for non-positive timeouts.
  static Connection open(const RedisUrl& url, const ConnectionOptions& options = {});

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Sends one command, waits for its reply. An error reply throws base::Error (kBadInput)
  // naming the command and key; an I/O failure throws as described above.
  Reply command(std::initializer_list<std::string_view> args);

  // Queues one command without sending it (throws only when the connection is broken).
  void append(std::span<const std::string_view> args);
  void append(std::initializer_list<std::string_view> args);
  // Queues a command already in RESP form (format_command): for load generators that send the
  // same commands many times, the formatting is done once.
  void append_formatted(std::string_view resp);
  // Sends whatever is queued and reads the next reply. Error replies are returned, not thrown,
  // so that a pipeline can read all its replies and stay in step.
  Reply read_reply();
  // Commands queued or sent whose replies have not been read yet.
  std::size_t pending() const noexcept { return pending_; }

  // True after an I/O error or timeout: the stream may be out of step, so the connection must
  // not be reused (the pool drops it).
  bool broken() const noexcept;
  const RedisUrl& url() const noexcept { return url_; }
  int command_timeout_ms() const noexcept { return options_.command_timeout_ms; }

 private:
  friend class Multiplexer;  // drives the context non-blocking, many connections per thread
  struct Free {
    void operator()(redisContext* context) const noexcept;
  };
  Connection(std::unique_ptr<redisContext, Free> context, RedisUrl url, ConnectionOptions options);
  [[noreturn]] void throw_io_error(std::string_view doing);
  Reply command_unchecked(std::initializer_list<std::string_view> args);

  std::unique_ptr<redisContext, Free> context_;
  RedisUrl url_;
  ConnectionOptions options_;
  std::size_t pending_ = 0;
};

// One command in RESP form ("*<n>\r\n" then "$<len>\r\n<arg>\r\n" per argument).
std::string format_command(std::initializer_list<std::string_view> args);

// Throws base::Error (kBadInput) when `reply` is an error reply: "<url>: <what>: <error>".
void throw_if_error(const Reply& reply, const Connection& connection, std::string_view what);

}  // namespace neuro::cache

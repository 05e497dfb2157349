#include "engine/cache/multiplexer.hpp"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::cache {
namespace {

using Clock = std::chrono::steady_clock;

struct Window {
  std::size_t first_op = 0;
  std::size_t size = 0;
  std::size_t received = 0;
  bool written = true;  // everything queued has reached the socket
  Clock::time_point start;
};

}  // namespace

Multiplexer::Multiplexer(std::vector<Connection> connections)
    : connections_(std::move(connections)) {
  if (connections_.empty()) throw base::InvalidArgument("multiplexer: no connections");
  for (auto& connection : connections_) {
    if (connection.broken() || connection.pending() != 0) {
      throw base::InvalidArgument("multiplexer: connection to " + connection.url().display() +
                                  " is broken or has replies pending");
    }
    // hiredis keeps the socket blocking (with timeouts) for redisGetReply; the event loop
    // needs EAGAIN instead (a full send buffer must not block the thread), which
    // redisBufferRead/Write treat as "try later" once the context is not flagged blocking.
    redisContext* context = connection.context_.get();
    const int flags = ::fcntl(context->fd, F_GETFL);
    if (flags < 0 || ::fcntl(context->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
      throw base::Error(base::ExitCode::kUnreachable,
                        connection.url().display() + ": cannot make the socket non-blocking");
    }
    context->flags &= ~REDIS_BLOCK;
  }
}

Multiplexer::Result Multiplexer::run(std::size_t total_ops, std::size_t depth,
                                     const AppendFn& append, const CheckFn& check) {
  if (depth == 0) throw base::InvalidArgument("multiplexer: depth must be >= 1");
  Result result;
  std::vector<Window> windows(connections_.size());
  std::vector<pollfd> fds(connections_.size());
  std::size_t issued = 0;
  int timeout_ms = 0;
  for (const auto& connection : connections_) {
    timeout_ms = std::max(timeout_ms, connection.command_timeout_ms());
  }

  const auto fail = [&](Connection& connection, const std::string& doing) {
    const std::string why =
        connection.context_->err != 0 ? connection.context_->errstr : "unexpected state";
    throw base::Error(base::ExitCode::kUnreachable,
                      connection.url().display() + ": " + doing + ": " + why);
  };
  const auto flush = [&](std::size_t c) {
    int done = 0;
    if (redisBufferWrite(connections_[c].context_.get(), &done) != REDIS_OK) {
      fail(connections_[c], "write");
    }
    windows[c].written = done != 0;
  };
  const auto start_window = [&](std::size_t c) {
    Window& window = windows[c];
    window.first_op = issued;
    window.size = std::min(depth, total_ops - issued);
    window.received = 0;
    window.start = Clock::now();
    for (std::size_t i = 0; i < window.size; ++i) append(connections_[c], issued++);
    flush(c);
  };
  for (std::size_t c = 0; c < connections_.size() && issued < total_ops; ++c) start_window(c);

  while (result.completed < total_ops) {
    std::size_t active = 0;
    for (std::size_t c = 0; c < connections_.size(); ++c) {
      const Window& window = windows[c];
      fds[c].fd = connections_[c].context_->fd;
      const bool busy = window.received < window.size;
      fds[c].events = static_cast<short>(busy ? (POLLIN | (window.written ? 0 : POLLOUT)) : 0);
      fds[c].revents = 0;
      active += busy ? 1 : 0;
    }
    if (active == 0) break;
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      throw base::Error(base::ExitCode::kUnreachable,
                        connections_.front().url().display() + ": no reply within " +
                            std::to_string(timeout_ms) + " ms on any of " +
                            std::to_string(connections_.size()) + " connections");
    }
    for (std::size_t c = 0; c < connections_.size(); ++c) {
      if (fds[c].revents == 0) continue;
      redisContext* context = connections_[c].context_.get();
      Window& window = windows[c];
      if ((fds[c].revents & POLLOUT) != 0) flush(c);
      if ((fds[c].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      if (redisBufferRead(context) != REDIS_OK) fail(connections_[c], "read");
      while (window.received < window.size) {
        void* raw = nullptr;
        if (redisGetReplyFromReader(context, &raw) != REDIS_OK) fail(connections_[c], "parse");
        if (raw == nullptr) break;
        const Reply reply(static_cast<redisReply*>(raw));
        if (!check(reply, window.first_op + window.received)) ++result.failed;
        ++window.received;
        ++result.completed;
        --connections_[c].pending_;
      }
      if (window.received == window.size) {
        result.window_latency.record(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - window.start)
                .count());
        if (issued < total_ops) start_window(c);
      }
    }
  }
  return result;
}

}  // namespace neuro::cache

// Plain HTTP/1.1 for one load thread: an epoll loop over non-blocking keep-alive connections,
// one per slot (a closed-model user, or a connection of the open model's pool), each request
// serialised once per run where its step holds no ${variables}. Every failure is a counted
// outcome of its request, reported to the user model (user_driver.hpp) with its kind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load/engine/event_wait.hpp"
#include "load/engine/transport.hpp"
#include "load/http/json_structure.hpp"
#include "load/http/response_parser.hpp"
#include "load/results/request_stats.hpp"

namespace neuro::load {

struct LoadThreadConfig;

class EpollTransport final : public Transport {
 public:
  EpollTransport() = default;
  ~EpollTransport() override;
  EpollTransport(const EpollTransport&) = delete;
  EpollTransport& operator=(const EpollTransport&) = delete;

  void begin(UserDriver& driver, std::size_t slots) override;
  void start(std::uint32_t slot, std::size_t step, const Variables& variables,
             std::int64_t now) override;
  void close(std::uint32_t slot) override { close_conn(conns_[slot]); }
  void on_turn(std::int64_t now) override;
  std::int64_t wake_by_ns(std::int64_t) const override { return next_scan_ns_; }
  void poll(std::int64_t wait_ns) override;
  void end() override;

  std::int64_t open_connections() const override { return connections_open_; }
  // Its epoll set, for a transport that nests it in its own (ws_transport.hpp).
  int epoll_fd() const { return epoll_fd_; }
  std::int64_t open_connections_peak() const override { return connections_peak_; }
  std::map<std::string, std::int64_t> responses_by_http_version(
      std::int64_t answered) const override {
    return {{"1.1", answered}};
  }

 private:
  enum class Io { kNone, kConnecting, kWriting, kReading };
  struct Conn {
    int fd = -1;
    Io io = Io::kNone;
    const std::string* request = nullptr;
    std::string own_request;  // for steps whose path or headers hold ${variables}
    std::size_t written = 0;
    ResponseParser parser;
    BodyBuffer body;  // only for steps that read the answer (captures, checks, polls)
    // The body's JSON structure, checked read by read while the bytes are in cache.
    JsonStructureScanner structure;
    std::size_t scanned = 0;  // body bytes given to `structure`
    std::int64_t requests_on_fd = 0;
    bool wants_out = false;  // EPOLLOUT in the epoll set (connecting, or a write blocked)
    std::int64_t lag_ns =
        -1;  // the last read's wait in the socket (kernel stamp to read), -1: none
  };

  std::uint32_t index_of(const Conn& c) const {
    return static_cast<std::uint32_t>(&c - conns_.data());
  }
  void begin_connect(Conn& c, std::int64_t now);
  void on_event(Conn& c, std::uint32_t events, std::int64_t now);
  void do_write(Conn& c, std::int64_t now);
  void do_read(Conn& c, std::int64_t now);
  void complete(Conn& c, std::int64_t now);
  void fail(Conn& c, ErrorKind kind, std::int64_t now);
  void close_conn(Conn& c);
  // The request on `c` has ended (answered, failed or closed): counted out of in_flight_.
  void settle(Conn& c);
  void watch_out(Conn& c, bool on);

  UserDriver* driver_ = nullptr;
  const LoadThreadConfig* config_ = nullptr;
  bool stamped_ = true;  // answers read with arrival stamps (the scenario's read_lag)
  std::vector<std::string> static_requests_;
  std::vector<Conn> conns_;
  int epoll_fd_ = -1;
  EventWait wait_;
  std::vector<epoll_event> events_;
  std::vector<char> read_buffer_;
  std::int64_t timeout_ns_ = 0;
  std::int64_t next_scan_ns_ = 0;
  std::int64_t in_flight_ = 0;
  std::int64_t connections_open_ = 0, connections_peak_ = 0;
};

}  // namespace neuro::load

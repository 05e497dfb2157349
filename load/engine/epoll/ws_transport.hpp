// WebSocket sessions for one load thread, event-driven on one epoll set: a `ws:` step of a user
// opens its devices' sessions (connect, handshake, the step's messages at open and on its
// schedule, receiving until its duration or condition, then the close handshake) and is one
// "request" of the user model that ends when the last session closes. No session blocks the
// thread: thousands share it, each a small state (its buffers are freed while it is idle).
// An https:// target makes the sessions wss:// (ws_tls.hpp: TLS on the same sockets, its
// handshake one more state). Plain HTTP steps of the same scenario go to an EpollTransport (a
// CurlTransport over https://) whose epoll set is nested in this one.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "load/engine/burst_spin.hpp"
#include "load/engine/epoll/epoll_transport.hpp"
#include "load/engine/epoll/ws_packets.hpp"
#include "load/engine/epoll/ws_tls.hpp"
#include "load/engine/event_wait.hpp"
#include "load/engine/transport.hpp"
#include "load/results/request_stats.hpp"
#include "load/ws/frame.hpp"

namespace neuro::load {

class WsTransport final : public Transport {
 public:
  WsTransport() = default;
  ~WsTransport() override;
  WsTransport(const WsTransport&) = delete;
  WsTransport& operator=(const WsTransport&) = delete;

  void begin(UserDriver& driver, std::size_t slots) override;
  void start(std::uint32_t slot, std::size_t step, const Variables& variables,
             std::int64_t now) override;
  void close(std::uint32_t slot) override;
  void on_turn(std::int64_t now) override;
  std::int64_t wake_by_ns(std::int64_t now) const override;
  void poll(std::int64_t wait_ns) override;
  void end() override;

  std::int64_t open_connections() const override;
  std::int64_t open_connections_peak() const override;
  std::map<std::string, std::int64_t> responses_by_http_version(
      std::int64_t answered) const override {
    return {{"1.1", answered}};
  }

 private:
  // kTls: the TLS handshake of a wss:// session, between the TCP connect and the upgrade.
  enum class State { kFree, kConnecting, kTls, kHandshake, kOpen, kDraining, kClosing };
  struct Session {
    int fd = -1;
    TlsLink tls;  // wss:// only
    State state = State::kFree;
    std::uint32_t slot = 0;
    std::uint32_t device = 0;
    std::uint32_t eeg = 0;  // which of the step's eeg entries it streams
    std::string out;        // bytes not yet written
    std::size_t out_at = 0;
    std::string head;  // the handshake: its key, then the answer as it arrives
    ws::FrameReader reader{0};
    std::int64_t started_ns = 0, open_ns = 0, end_ns = 0, deadline_ns = 0, next_send_ns = 0;
    std::int64_t timer_ns = -1;  // the heap entry that is current
    std::int64_t packets = 0;
    std::int64_t last_seq = -1;
    bool got_until = false;
    bool refused = false;       // we closed with 1002/1009: the session ends as an error
    bool more_to_read = false;  // in ready_: its socket was not drained this turn
    std::vector<std::pair<std::string, std::int64_t>> awaiting;  // reply_to: id, sent ns
  };
  struct SlotRun {
    std::size_t step = 0;
    Variables variables;
    std::int64_t user = 0;
    int live = 0;  // sessions not yet finished
    int status = 0;
    std::optional<ErrorKind> error;
  };

  // When a read took a message's last bytes (epoch ns), and when the kernel had them: 0 on a
  // wss:// session (OpenSSL reads the socket) or a step that measures no latency.
  struct ReadStamp {
    std::int64_t read_ns = 0;
    std::int64_t arrival_ns = 0;
  };

  std::uint32_t index_of(const Session& s) const {
    return static_cast<std::uint32_t>(&s - sessions_.data());
  }
  const WsStep& ws_step(const Session& s) const;
  WsStats& stats(const Session& s);
  void open_session(std::uint32_t slot, std::uint32_t device, std::int64_t now);
  void on_event(Session& s, std::uint32_t events, std::int64_t now);
  void on_readable(Session& s, std::int64_t now);
  void on_tls(Session& s, std::int64_t now);
  void on_open(Session& s, std::int64_t now);
  void on_message(Session& s, const ws::Message& m, std::int64_t now, const ReadStamp& stamp);
  void measure(Session& s, std::string_view payload, bool text, std::int64_t now,
               const ReadStamp& stamp);
  void on_timer(Session& s, std::int64_t now);
  void send_due(Session& s, std::int64_t now);
  void begin_close(Session& s, std::int64_t now);
  void send_close(Session& s, std::uint16_t code, std::int64_t now);
  void send_frame(Session& s, ws::Opcode op, std::string_view payload, std::int64_t now);
  void flush(Session& s, std::int64_t now);
  void arm(Session& s, std::int64_t at_ns);
  // Ends the session; `error` (and the HTTP `status` of a refused handshake) count against
  // its user's step.
  void finish(Session& s, std::optional<ErrorKind> error, std::int64_t now, int status = 101);
  void deliver();
  Variables message_variables(const Session& s, std::int64_t packet) const;

  UserDriver* driver_ = nullptr;
  const LoadThreadConfig* config_ = nullptr;
  // Plain HTTP steps, when the scenario has some: EpollTransport, or CurlTransport for TLS.
  std::unique_ptr<Transport> http_;
  std::unique_ptr<WsTlsContext> tls_;  // an https:// target: every session is wss://
  // Per step, one per eeg entry (profile) of the step.
  std::vector<std::vector<std::unique_ptr<WsPackets>>> packets_;
  std::vector<Session> sessions_;
  std::vector<std::uint32_t> free_;
  // Finished this turn: reused only after it, so no event of the same epoll batch can reach a
  // session opened in a dead one's place.
  std::vector<std::uint32_t> released_;
  std::vector<SlotRun> slots_;
  std::vector<std::pair<std::int64_t, std::uint32_t>> timers_;  // min-heap (ns, session)
  std::vector<std::pair<std::uint32_t, std::int64_t>> done_;    // slots whose step ended
  // Sessions that stopped reading before EAGAIN (edge-triggered: no new edge will come), so
  // that a server writing faster than it is read cannot hold the thread.
  std::vector<std::uint32_t> ready_;
  int epoll_fd_ = -1;
  EventWait wait_;
  BurstSpin spin_;
  std::vector<epoll_event> events_;
  std::vector<char> read_buffer_;
  std::int64_t timeout_ns_ = 0;
  std::int64_t open_ = 0, peak_ = 0;
  std::int64_t series_in_ = 0, series_out_ = 0;  // messages not yet in the per-second series
  bool other_host_ = false;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace neuro::load

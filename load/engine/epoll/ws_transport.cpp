#include "load/engine/epoll/ws_transport.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "load/engine/curl/curl_transport.hpp"
#include "load/engine/epoll/arrival_stamp.hpp"
#include "load/engine/user_driver.hpp"
#include "load/http/json_answer.hpp"
#include "load/ws/handshake.hpp"
#include "load/ws/json_field.hpp"

namespace neuro::load {
namespace {

constexpr std::uint32_t kHttpTag = 0xFFFFFFFFu;  // the nested HTTP transport's epoll set
constexpr std::size_t kReadBuffer = std::size_t{256} << 10;
constexpr std::size_t kEventsPerWait = 1024;
constexpr std::int64_t kCloseWaitNs = 2'000'000'000;  // for the server's close frame
constexpr int kReadsPerTurn = 8;                      // 2 MiB per session, then the others

bool would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

bool later(const std::pair<std::int64_t, std::uint32_t>& a,
           const std::pair<std::int64_t, std::uint32_t>& b) {
  return a.first > b.first;
}

bool loopback(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&a);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (a.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&a);
    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
  }
  return false;
}

// A condition on a streamed message: top-level fields are read by a scan; a dotted path
// parses the message.
bool holds(const JsonCondition& c, std::string_view message) {
  if (c.json_path.find('.') == std::string::npos) {
    const auto v = ws::top_level_field(message, c.json_path);
    if (c.op == JsonCondition::Op::kExists) return v.has_value();
    if (c.op == JsonCondition::Op::kEquals) return v && *v == c.value;
  }
  // A cheap refusal first: an equal value must appear in the text.
  if (c.op == JsonCondition::Op::kEquals && message.find(c.value) == std::string_view::npos) {
    return false;
  }
  return JsonAnswer(message).holds(c);
}

std::string epoch_text(std::int64_t epoch_ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(epoch_ns / 1'000'000'000),
                static_cast<long long>((epoch_ns / 1000) % 1'000'000));
  return buf;
}

}  // namespace

WsTransport::~WsTransport() {
  for (auto& s : sessions_) {
    tls_close(s.tls);
    if (s.fd >= 0) ::close(s.fd);
  }
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void WsTransport::begin(UserDriver& driver, std::size_t slots) {
  driver_ = &driver;
  config_ = &driver.config();
  timeout_ns_ = static_cast<std::int64_t>(config_->timeout_s * 1e9);
  read_buffer_.resize(kReadBuffer);
  events_.resize(kEventsPerWait);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  slots_.resize(slots);
  other_host_ = !loopback(config_->address);
  if (config_->target.tls) tls_ = std::make_unique<WsTlsContext>(config_->transport);
  bool plain_steps = false;
  for (const auto& step : config_->scenario->steps) {
    plain_steps = plain_steps || !step.ws;
    std::vector<std::unique_ptr<WsPackets>> per_profile;
    if (step.ws && step.ws->every_s > 0) {
      for (const auto& e : step.ws->eeg) {
        per_profile.push_back(std::make_unique<WsPackets>(e, step.ws->every_s));
      }
    }
    packets_.push_back(std::move(per_profile));
  }
  if (plain_steps) {
    // The HTTP steps go where they would go without ws: steps: https:// is libcurl's.
    int http_epoll_fd = -1;
    if (config_->target.tls || config_->transport.http2) {
      auto curl = std::make_unique<CurlTransport>();
      curl->begin(driver, slots);
      http_epoll_fd = curl->epoll_fd();
      http_ = std::move(curl);
    } else {
      auto epoll = std::make_unique<EpollTransport>();
      epoll->begin(driver, slots);
      http_epoll_fd = epoll->epoll_fd();
      http_ = std::move(epoll);
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = kHttpTag;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, http_epoll_fd, &ev);
  }
}

const WsStep& WsTransport::ws_step(const Session& s) const {
  return *config_->scenario->steps[slots_[s.slot].step].ws;
}

WsStats& WsTransport::stats(const Session& s) {
  WsStats& st = driver_->ws_stats(slots_[s.slot].step);
  st.other_host = other_host_;
  return st;
}

void WsTransport::start(std::uint32_t slot, std::size_t step, const Variables& variables,
                        std::int64_t now) {
  const Step& st = config_->scenario->steps[step];
  if (!st.ws) return http_->start(slot, step, variables, now);
  SlotRun& run = slots_[slot];
  run.step = step;
  run.variables = variables;
  run.error.reset();
  run.status = 101;
  const auto user = variables.find("user");
  const std::int64_t user_index =
      user != variables.end() ? std::atoll(user->second.c_str()) : static_cast<std::int64_t>(slot);
  const int devices = st.ws->devices_for(user_index);
  run.live = devices;
  run.user = user_index;
  driver_->ws_stats(step);  // a ws: step that opened nothing still reports its "ws" object
  for (int d = 0; d < devices; ++d) open_session(slot, static_cast<std::uint32_t>(d), now);
}

Variables WsTransport::message_variables(const Session& s, std::int64_t packet) const {
  Variables v = slots_[s.slot].variables;
  v["device"] = std::to_string(s.device);
  const WsStep& w = ws_step(s);
  if (!w.eeg.empty()) {
    const WsEeg& e = w.eeg[s.eeg];
    v["profile"] = e.profile;
    v["channels"] = std::to_string(e.channels);
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", e.sample_rate_hz);
    v["rate"] = rate;
  }
  if (packet >= 0) v["packet"] = std::to_string(packet);
  v["now"] = epoch_text(epoch_ns_now());
  return v;
}

void WsTransport::open_session(std::uint32_t slot, std::uint32_t device, std::int64_t now) {
  std::uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(sessions_.size());
    sessions_.emplace_back();
  }
  Session& s = sessions_[index];
  s = Session{};
  s.slot = slot;
  s.device = device;
  s.started_ns = now;
  s.state = State::kConnecting;
  const Step& step = config_->scenario->steps[slots_[slot].step];
  s.eeg = static_cast<std::uint32_t>(step.ws->eeg_for(slots_[slot].user, device));
  s.reader = ws::FrameReader(step.ws->max_message_bytes);
  const Variables vars = message_variables(s, -1);
  ws::HandshakeRequest request;
  request.host = config_->target.host_header;
  request.path = substitute(step.path, vars);
  request.key = ws::make_key(random_(), random_());
  request.subprotocol = step.ws->subprotocol;
  if (!config_->auth_header.empty()) {
    const auto colon = config_->auth_header.find(':');
    if (colon != std::string::npos) {
      request.headers.emplace_back(config_->auth_header.substr(0, colon),
                                   config_->auth_header.substr(colon + 2));
    }
  }
  for (const auto& [name, value] : step.headers) {
    request.headers.emplace_back(name, substitute(value, vars));
  }
  s.out = ws::serialize(request);
  s.head = request.key;  // kept until the answer is checked
  arm(s, now + timeout_ns_);
  s.fd = ::socket(config_->address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s.fd < 0) return finish(s, ErrorKind::kConnect, now);
  ++open_;
  peak_ = std::max(peak_, open_);
  const int one = 1;
  ::setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // The client's read lag beside each latency (arrival_stamp.hpp); wss:// reads go through
  // OpenSSL, which keeps the kernel's stamps to itself.
  if (!tls_ && (!step.ws->latency_from.empty() || !step.ws->reply_to.empty())) {
    enable_arrival_stamps(s.fd);
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u32 = index;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s.fd, &ev) != 0) {
    return finish(s, ErrorKind::kConnect, now);
  }
  // wss://: TLS on this socket; the upgrade request waits in `out` for its handshake.
  if (tls_ && !tls_->open(s.tls, s.fd, config_->target.host)) {
    return finish(s, ErrorKind::kTls, now);
  }
  const int rc =
      ::connect(s.fd, reinterpret_cast<const sockaddr*>(&config_->address), config_->address_size);
  if (rc == 0) {
    if (s.tls.ssl) {
      s.state = State::kTls;
      return on_tls(s, now);
    }
    s.state = State::kHandshake;
    flush(s, now);
  } else if (errno != EINPROGRESS) {
    finish(s, ErrorKind::kConnect, now);
  }
}

void WsTransport::arm(Session& s, std::int64_t at_ns) {
  if (s.timer_ns == at_ns) return;
  s.timer_ns = at_ns;
  timers_.emplace_back(at_ns, index_of(s));
  std::push_heap(timers_.begin(), timers_.end(), later);
}

void WsTransport::flush(Session& s, std::int64_t now) {
  while (s.out_at < s.out.size()) {
    const ssize_t n =
        s.tls.ssl ? tls_send(s.tls, s.out.data() + s.out_at, s.out.size() - s.out_at)
                  : ::send(s.fd, s.out.data() + s.out_at, s.out.size() - s.out_at, MSG_NOSIGNAL);
    if (n > 0) {
      s.out_at += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && would_block(errno)) return;  // EPOLLOUT resumes
    if (n < 0 && errno == EINTR) continue;
    return finish(s, ErrorKind::kWrite, now);
  }
  s.out.clear();
  s.out_at = 0;
  if (s.out.capacity() > 4096) std::string().swap(s.out);
}

void WsTransport::send_frame(Session& s, ws::Opcode op, std::string_view payload,
                             std::int64_t now) {
  const auto key = static_cast<std::uint32_t>(random_());
  ws::append_frame(s.out, op, payload, true, key);
  if (op == ws::Opcode::kText || op == ws::Opcode::kBinary) {
    WsStats& st = stats(s);
    ++series_out_;
    ++st.messages_out;
    st.bytes_out += static_cast<std::int64_t>(payload.size());
  }
  flush(s, now);
}

void WsTransport::on_event(Session& s, std::uint32_t events, std::int64_t now) {
  if (s.state == State::kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return finish(s, ErrorKind::kConnect, now);
    if (!(events & EPOLLOUT)) return;
    if (s.tls.ssl) {
      s.state = State::kTls;
      return on_tls(s, now);
    }
    s.state = State::kHandshake;
  }
  if (s.state == State::kTls) return on_tls(s, now);
  constexpr std::uint32_t kReadable = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;
  // TLS may turn a direction around: a write waiting for the peer's bytes, a read (a key
  // update's answer) for room to write. Plain sessions never set these.
  const bool writable = events & EPOLLOUT || (s.tls.write_wants_read && events & kReadable);
  const bool readable = events & kReadable || (s.tls.read_wants_write && events & EPOLLOUT);
  if (writable && s.out_at < s.out.size()) flush(s, now);
  if (s.state != State::kFree && readable) on_readable(s, now);
}

void WsTransport::on_tls(Session& s, std::int64_t now) {
  switch (tls_handshake(s.tls)) {
    case TlsProgress::kWaiting:  // any event on the socket tries again
      return;
    case TlsProgress::kFailed:  // refused certificate, no TLS on the port, a reset
      return finish(s, ErrorKind::kTls, now);
    case TlsProgress::kDone:
      break;
  }
  s.state = State::kHandshake;
  const std::uint32_t index = index_of(s);
  flush(s, now);
  // Read-ahead may already hold the server's first bytes, and their edge is spent.
  if (sessions_[index].state != State::kFree) on_readable(s, now);
}

void WsTransport::on_readable(Session& s, std::int64_t now) {
  const std::uint32_t index = index_of(s);
  for (int reads = 0;; ++reads) {
    if (reads == kReadsPerTurn) {
      if (!s.more_to_read) ready_.push_back(index);
      s.more_to_read = true;
      return;
    }
    // A plain recv that fills less than the buffer has drained the socket; TLS reads records
    // until the socket would block (what it holds decrypted must not wait for an edge).
    bool drained;
    ssize_t n;
    ReadStamp stamp;
    if (s.tls.ssl) {
      n = tls_recv(s.tls, read_buffer_.data(), read_buffer_.size(), drained);
    } else {
      const StampedRead r = recv_stamped(s.fd, read_buffer_.data(), read_buffer_.size());
      n = r.bytes;
      stamp.arrival_ns = r.arrival_ns;
      drained = n < static_cast<ssize_t>(read_buffer_.size());
    }
    if (n < 0 && would_block(errno)) return;
    if (n < 0 && errno == EINTR) continue;
    if (s.refused) {
      // Our close frame is out: what the server still sends is read and dropped (closing a
      // socket with unread bytes would reset it before the server reads why).
      if (n <= 0) return finish(s, ErrorKind::kRead, now);
      continue;
    }
    if (n <= 0) {
      // The socket ended without a close handshake.
      if (s.state == State::kOpen || s.state == State::kDraining || s.state == State::kClosing) {
        WsStats& st = stats(s);
        ++st.close_codes[1006];
        if (s.state != State::kClosing) {
          st.error(WsError::kClosed);
          return finish(s, ErrorKind::kRead, now);
        }
        return finish(s, std::nullopt, now);
      }
      return finish(s, ErrorKind::kRead, now);
    }
    // Stamped once per read: what a message's latency is measured to.
    stamp.read_ns = epoch_ns_now();
    const auto got = static_cast<std::size_t>(n);
    std::size_t at = 0;
    if (s.state == State::kHandshake) {
      const std::size_t key_bytes = 24;
      s.head.append(read_buffer_.data(), got);
      const std::string_view key(s.head.data(), key_bytes);
      const auto r = ws::read_handshake_response(std::string_view(s.head).substr(key_bytes), key,
                                                 ws_step(s).subprotocol);
      if (r.state == ws::HandshakeResult::State::kNeedMore) {
        if (drained) return;
        continue;
      }
      if (r.state == ws::HandshakeResult::State::kRejected) {
        stats(s).error(WsError::kHandshake);
        const int status = r.status;
        if (status >= 400) return finish(s, std::nullopt, now, status);
        return finish(s, ErrorKind::kStatusUnexpected, now, status);
      }
      // The bytes after the head are already frames: they are in read_buffer_'s tail.
      const std::size_t leftover = s.head.size() - key_bytes - r.head_bytes;
      at = got - leftover;
      std::string().swap(s.head);
      on_open(s, now);
      if (sessions_[index].state == State::kFree) return;
    }
    const auto error = s.reader.feed(read_buffer_.data() + at, got - at, [&](const ws::Message& m) {
      if (sessions_[index].state != State::kFree) on_message(sessions_[index], m, now, stamp);
    });
    if (s.state == State::kFree) return;
    if (error != ws::ReadError::kNone) {
      WsStats& st = stats(s);
      const bool too_big = error == ws::ReadError::kTooBig;
      st.error(too_big ? WsError::kTooBig : WsError::kProtocol);
      // Said to the server before the socket goes, as the protocol asks.
      ws::append_close(s.out, too_big ? ws::kCloseTooBig : ws::kCloseProtocolError, "",
                       static_cast<std::uint32_t>(random_()));
      s.refused = true;
      s.state = State::kClosing;
      s.deadline_ns = now + kCloseWaitNs;
      flush(s, now);
      if (s.state != State::kFree) arm(s, s.deadline_ns);
      continue;
    }
    if (drained) return;
  }
}

void WsTransport::on_open(Session& s, std::int64_t now) {
  const WsStep& w = ws_step(s);
  WsStats& st = stats(s);
  ++st.sessions;
  st.connect.record(now - s.started_ns);
  s.state = State::kOpen;
  s.open_ns = now;
  s.end_ns = now + static_cast<std::int64_t>(w.duration_s * 1e9);
  const Variables vars = message_variables(s, -1);
  const std::uint32_t index = index_of(s);
  for (const auto& m : w.on_open) {
    send_frame(s, ws::Opcode::kText, substitute(m, vars), now);
    if (sessions_[index].state == State::kFree) return;
  }
  if (w.every_s > 0) {
    const std::int64_t phase_ns = w.phase_ns(slots_[s.slot].user, s.device);
    s.open_ns += phase_ns;  // packet k leaves at open_ns + k x every
    s.end_ns += phase_ns;
    s.next_send_ns = s.open_ns;
    send_due(s, now);
    if (s.state == State::kFree) return;
  }
  arm(s, w.every_s > 0 ? std::min(s.next_send_ns, s.end_ns) : s.end_ns);
}

void WsTransport::send_due(Session& s, std::int64_t now) {
  const WsStep& w = ws_step(s);
  const auto& per_profile = packets_[slots_[s.slot].step];
  const WsPackets* packets = per_profile.empty() ? nullptr : per_profile[s.eeg].get();
  const auto every_ns = static_cast<std::int64_t>(w.every_s * 1e9);
  const std::uint32_t index = index_of(s);
  // Packet k is due at open + k * every: a late turn sends what it owes, so the rate holds.
  while (s.next_send_ns <= now && s.next_send_ns < s.end_ns &&
         (w.max_packets == 0 || s.packets < w.max_packets)) {
    const std::int64_t k = s.packets++;
    std::string payload;
    if (packets && w.eeg[s.eeg].binary) {
      packets->append_binary(payload, k);
      send_frame(s, ws::Opcode::kBinary, payload, now);
    } else {
      Variables vars = message_variables(s, k);
      if (packets) {
        std::string eeg;
        packets->append_json(eeg, k);
        vars["eeg"] = std::move(eeg);
      }
      payload = substitute(w.message, vars);
      if (!w.reply_to.empty()) {
        if (const auto id = ws::top_level_field(payload, w.reply_to)) {
          s.awaiting.emplace_back(std::string(*id), now);
        }
      }
      send_frame(s, ws::Opcode::kText, payload, now);
    }
    if (sessions_[index].state == State::kFree) return;
    s.next_send_ns = s.open_ns + (k + 1) * every_ns;
  }
}

void WsTransport::on_message(Session& s, const ws::Message& m, std::int64_t now,
                             const ReadStamp& stamp) {
  switch (m.opcode) {
    case ws::Opcode::kPing:
      ++stats(s).pings_answered;
      return send_frame(s, ws::Opcode::kPong, m.payload, now);
    case ws::Opcode::kPong:
    case ws::Opcode::kContinuation:
      return;
    case ws::Opcode::kClose: {
      WsStats& st = stats(s);
      ++st.close_codes[m.close_code];
      if (s.state == State::kClosing) return finish(s, std::nullopt, now);
      // The server ends the session: answered with the same code, then the socket goes.
      const bool early = s.state == State::kOpen && !s.got_until && now < s.end_ns;
      const std::uint16_t code =
          m.close_code == ws::kCloseNoStatus ? ws::kCloseNormal : m.close_code;
      ws::append_close(s.out, code, "", static_cast<std::uint32_t>(random_()));
      flush(s, now);
      if (s.state == State::kFree) return;
      if (early) st.error(WsError::kClosed);
      return finish(s, early ? std::optional<ErrorKind>(ErrorKind::kRead) : std::nullopt, now);
    }
    case ws::Opcode::kText:
    case ws::Opcode::kBinary:
      break;
  }
  WsStats& st = stats(s);
  ++series_in_;
  ++st.messages_in;
  st.bytes_in += static_cast<std::int64_t>(m.payload.size());
  const WsStep& w = ws_step(s);
  const bool text = m.opcode == ws::Opcode::kText;
  if (s.state == State::kOpen) {
    // `match` tests JSON text; binary frames are measured as they are (the engine's NPD1).
    if (!w.match || !text || holds(*w.match, m.payload)) {
      measure(s, m.payload, text, now, stamp);
    }
    if (w.until && text && holds(*w.until, m.payload)) {
      s.got_until = true;
      begin_close(s, now);
    }
  } else if (s.state == State::kDraining && w.close_until && text &&
             holds(*w.close_until, m.payload)) {
    send_close(s, ws::kCloseNormal, now);
  }
}

void WsTransport::measure(Session& s, std::string_view payload, bool text, std::int64_t now,
                          const ReadStamp& stamp) {
  const WsStep& w = ws_step(s);
  WsStats& st = stats(s);
  std::optional<double> timestamp_s;
  std::optional<std::int64_t> seq;
  bool lagged = false;  // a latency was taken: the read's lag goes beside it
  // The engine's binary packets: "NPD1", u32 channels, u32 samples, u32 0, u64 seq, f64 time.
  if (!text && payload.size() >= 32 && payload.substr(0, 4) == "NPD1") {
    std::uint64_t q;
    double t;
    std::memcpy(&q, payload.data() + 16, 8);
    std::memcpy(&t, payload.data() + 24, 8);
    seq = static_cast<std::int64_t>(q);
    timestamp_s = t;
  } else if (text) {
    if (!w.latency_from.empty()) timestamp_s = ws::number_field(payload, w.latency_from);
    if (!w.seq_field.empty()) {
      if (const auto v = ws::number_field(payload, w.seq_field)) {
        seq = static_cast<std::int64_t>(*v);
      }
    }
  }
  if (!w.latency_from.empty()) {
    if (timestamp_s) {
      const auto sent = static_cast<std::int64_t>(std::llround(*timestamp_s * 1e9));
      const std::int64_t latency = std::max<std::int64_t>(0, stamp.read_ns - sent);
      st.latency.record(latency);
      driver_->ws_latency(now, latency);
      ++st.measured;
      lagged = true;
    } else {
      st.error(WsError::kLatencyField);
    }
  }
  if (!w.reply_to.empty() && text) {
    if (const auto id = ws::top_level_field(payload, w.reply_to)) {
      auto it = std::find_if(s.awaiting.begin(), s.awaiting.end(),
                             [&](const auto& a) { return a.first == *id; });
      if (it == s.awaiting.end()) {
        st.error(WsError::kReply);
      } else {
        st.latency.record(now - it->second);
        driver_->ws_latency(now, now - it->second);
        ++st.measured;
        lagged = true;
        s.awaiting.erase(it);
      }
    }
  }
  // A negative wait (the wall clock stepped back between stamp and read) is no measurement.
  if (lagged && stamp.arrival_ns > 0 && stamp.read_ns >= stamp.arrival_ns) {
    st.read_lag.record(stamp.read_ns - stamp.arrival_ns);
  }
  if (!w.seq_field.empty() && seq) {
    if (s.last_seq >= 0 && *seq > s.last_seq + 1) st.seq_gaps += *seq - s.last_seq - 1;
    if (s.last_seq >= 0 && *seq <= s.last_seq) ++st.seq_backwards;
    s.last_seq = std::max(s.last_seq, *seq);
  }
}

void WsTransport::begin_close(Session& s, std::int64_t now) {
  const WsStep& w = ws_step(s);
  const std::uint32_t index = index_of(s);
  if (w.until && !s.got_until) stats(s).error(WsError::kUntil);
  if (!w.on_close.empty()) {
    const Variables vars = message_variables(s, -1);
    for (const auto& m : w.on_close) {
      send_frame(s, ws::Opcode::kText, substitute(m, vars), now);
      if (sessions_[index].state == State::kFree) return;
    }
  }
  if (w.close_until) {
    s.state = State::kDraining;
    s.deadline_ns = now + static_cast<std::int64_t>(w.close_wait_s * 1e9);
    arm(s, s.deadline_ns);
    return;
  }
  send_close(s, ws::kCloseNormal, now);
}

void WsTransport::send_close(Session& s, std::uint16_t code, std::int64_t now) {
  ws::append_close(s.out, code, "", static_cast<std::uint32_t>(random_()));
  s.state = State::kClosing;
  s.deadline_ns = now + kCloseWaitNs;
  const std::uint32_t index = index_of(s);
  flush(s, now);
  if (sessions_[index].state == State::kFree) return;
  arm(s, s.deadline_ns);
}

void WsTransport::on_timer(Session& s, std::int64_t now) {
  switch (s.state) {
    case State::kFree:
      return;
    case State::kConnecting:
    case State::kTls:
    case State::kHandshake:
      return finish(s, ErrorKind::kTimeout, now);
    case State::kOpen: {
      const WsStep& w = ws_step(s);
      if (w.every_s > 0) send_due(s, now);
      if (s.state != State::kOpen) return;
      if (now >= s.end_ns) return begin_close(s, now);
      const bool more = w.every_s > 0 && (w.max_packets == 0 || s.packets < w.max_packets);
      return arm(s, more ? std::min(s.next_send_ns, s.end_ns) : s.end_ns);
    }
    case State::kDraining:
      if (now < s.deadline_ns) return arm(s, s.deadline_ns);
      stats(s).error(WsError::kUntil);
      return send_close(s, ws::kCloseNormal, now);
    case State::kClosing:
      if (now < s.deadline_ns) return arm(s, s.deadline_ns);
      if (s.refused) return finish(s, ErrorKind::kRead, now);
      ++stats(s).close_codes[1006];
      return finish(s, std::nullopt, now);
  }
}

void WsTransport::finish(Session& s, std::optional<ErrorKind> error, std::int64_t now, int status) {
  if (s.state == State::kFree) return;
  tls_close(s.tls);  // close_notify when the session is intact
  if (s.fd >= 0) {
    ::close(s.fd);
    s.fd = -1;
    --open_;
  }
  s.state = State::kFree;
  s.timer_ns = -1;
  std::string().swap(s.out);
  std::string().swap(s.head);
  s.awaiting.clear();
  s.awaiting.shrink_to_fit();
  s.reader = ws::FrameReader(0);
  released_.push_back(index_of(s));
  SlotRun& run = slots_[s.slot];
  if (error && !run.error) run.error = error;
  if (status != 101 && run.status == 101) run.status = status;
  if (--run.live == 0) done_.emplace_back(s.slot, now);
}

void WsTransport::deliver() {
  if (series_in_ || series_out_) {
    driver_->ws_messages(driver_->now_ns(), series_in_, series_out_);
    series_in_ = series_out_ = 0;
  }
  free_.insert(free_.end(), released_.begin(), released_.end());
  released_.clear();
  // The driver may start the next step from here: it sees a consistent transport.
  std::vector<std::pair<std::uint32_t, std::int64_t>> done;
  done.swap(done_);
  for (const auto& [slot, now] : done) {
    const SlotRun& run = slots_[slot];
    if (run.error) {
      driver_->failed(slot, *run.error, now);
    } else {
      driver_->answered(slot, run.status, {}, now);
    }
  }
}

void WsTransport::close(std::uint32_t slot) {
  if (http_) http_->close(slot);
  for (auto& s : sessions_) {
    if (s.state != State::kFree && s.slot == slot) {
      slots_[slot].live = 1 << 30;  // abandoned: nothing is reported
      finish(s, std::nullopt, 0);
    }
  }
}

void WsTransport::on_turn(std::int64_t now) {
  if (http_) http_->on_turn(now);
  while (!timers_.empty() && timers_.front().first <= now) {
    const auto [at, index] = timers_.front();
    std::pop_heap(timers_.begin(), timers_.end(), later);
    timers_.pop_back();
    Session& s = sessions_[index];
    if (s.timer_ns != at) continue;  // superseded
    s.timer_ns = -1;
    on_timer(s, now);
  }
  deliver();
}

std::int64_t WsTransport::wake_by_ns(std::int64_t now) const {
  if (!ready_.empty()) return now;
  std::int64_t wake = http_ ? http_->wake_by_ns(now) : now + 1'000'000'000;
  if (!timers_.empty()) wake = std::min(wake, timers_.front().first);
  return wake;
}

void WsTransport::poll(std::int64_t wait_ns) {
  const int max = static_cast<int>(events_.size());
  std::int64_t now = driver_->now_ns();
  const std::int64_t deadline = now + wait_ns;
  // Through a burst of messages the loop polls instead of sleeping (burst_spin.hpp).
  const std::int64_t spin_until = std::min(spin_.until(now), deadline);
  int n = 0;
  bool polled = false;
  if (now < spin_until) {
    const std::int64_t from = now;
    do {
      n = wait_.wait(epoll_fd_, events_.data(), max, 0);
      now = driver_->now_ns();
    } while (n == 0 && now < spin_until);
    spin_.spun(from, now);
    polled = true;
  }
  if (n == 0 && (now < deadline || !polled)) {
    n = wait_.wait(epoll_fd_, events_.data(), max, std::max<std::int64_t>(deadline - now, 0));
  }
  if (n > 0) spin_.events_at(driver_->now_ns());
  for (int i = 0; i < n; ++i) {
    const epoll_event& ev = events_[static_cast<std::size_t>(i)];
    if (ev.data.u32 == kHttpTag) {
      http_->poll(0);
      continue;
    }
    Session& s = sessions_[ev.data.u32];
    if (s.state != State::kFree) on_event(s, ev.events, driver_->now_ns());
  }
  std::vector<std::uint32_t> again;
  again.swap(ready_);
  for (const std::uint32_t index : again) {
    Session& s = sessions_[index];
    if (!s.more_to_read) continue;  // finished (and maybe reused) since
    s.more_to_read = false;
    if (s.state != State::kFree) on_readable(s, driver_->now_ns());
  }
  deliver();
}

void WsTransport::end() {
  if (http_) http_->end();
  for (auto& s : sessions_) {
    if (s.state != State::kFree) {
      slots_[s.slot].live = 1 << 30;
      finish(s, std::nullopt, 0);
    }
  }
  done_.clear();
}

std::int64_t WsTransport::open_connections() const {
  return open_ + (http_ ? http_->open_connections() : 0);
}

std::int64_t WsTransport::open_connections_peak() const {
  return peak_ + (http_ ? http_->open_connections_peak() : 0);
}

}  // namespace neuro::load

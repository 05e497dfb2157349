#include "load/engine/epoll/epoll_transport.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <span>

#include "load/engine/epoll/arrival_stamp.hpp"
#include "load/engine/user_driver.hpp"
#include "load/http/http_request.hpp"

namespace neuro::load {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kTimeoutScanNs = 50 * kMs;
constexpr std::int64_t kNoScan = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kReadBuffer = 64 << 10;
constexpr std::size_t kEventsPerWait = 512;
constexpr std::uint32_t kInterest = EPOLLIN | EPOLLRDHUP | EPOLLET;

bool would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

}  // namespace

EpollTransport::~EpollTransport() {
  for (auto& c : conns_) close_conn(c);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void EpollTransport::begin(UserDriver& driver, std::size_t slots) {
  driver_ = &driver;
  config_ = &driver.config();
  stamped_ = config_->scenario->read_lag;
  for (const auto& step : config_->scenario->steps) {
    static_requests_.push_back(step.uses_variables()
                                   ? std::string()
                                   : serialize_request(step, config_->target, config_->auth_header,
                                                       config_->base_variables));
  }
  timeout_ns_ = static_cast<std::int64_t>(config_->timeout_s * 1e9);
  next_scan_ns_ = kTimeoutScanNs;
  read_buffer_.resize(kReadBuffer);
  events_.resize(kEventsPerWait);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  conns_.resize(slots);
}

void EpollTransport::close_conn(Conn& c) {
  if (c.fd >= 0) {
    ::close(c.fd);  // also removes it from the epoll set
    c.fd = -1;
    --connections_open_;
  }
  settle(c);
  c.requests_on_fd = 0;
  c.wants_out = false;
  c.lag_ns = -1;
}

void EpollTransport::settle(Conn& c) {
  if (c.io == Io::kNone) return;
  c.io = Io::kNone;
  // Nothing in flight: no timeout scan until a request starts (each would be a wake-up).
  if (--in_flight_ == 0) next_scan_ns_ = kNoScan;
}

// EPOLLOUT is in the set only while a write waits for room (or a connect for its end): else every
// ACK that frees send buffer is an edge, and a wake-up for nothing.
void EpollTransport::watch_out(Conn& c, bool on) {
  if (c.wants_out == on) return;
  epoll_event ev{};
  ev.events = kInterest | (on ? EPOLLOUT : 0u);
  ev.data.u32 = index_of(c);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
  c.wants_out = on;
}

void EpollTransport::start(std::uint32_t slot, std::size_t step_index, const Variables& variables,
                           std::int64_t now) {
  Conn& c = conns_[slot];
  const Step& step = config_->scenario->steps[step_index];
  const std::string& fixed = static_requests_[step_index];
  if (!fixed.empty()) {
    c.request = &fixed;
  } else {
    c.own_request = serialize_request(step, config_->target, config_->auth_header, variables);
    c.request = &c.own_request;
  }
  c.written = 0;
  c.parser.reset(step.method == "HEAD", step.needs_body() ? &c.body : nullptr);
  c.body.clear();  // a step that does not read its answer gets no earlier one
  c.structure.reset();
  c.scanned = 0;
  if (next_scan_ns_ == kNoScan) next_scan_ns_ = now + kTimeoutScanNs;
  ++in_flight_;  // settle() counts it out, once c.io has left kNone
  if (c.fd < 0) {
    c.io = Io::kConnecting;
    begin_connect(c, now);
  } else {
    c.io = Io::kWriting;
    do_write(c, now);
  }
}

void EpollTransport::begin_connect(Conn& c, std::int64_t now) {
  c.fd = ::socket(config_->address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) return fail(c, ErrorKind::kConnect, now);
  ++connections_open_;
  connections_peak_ = std::max(connections_peak_, connections_open_);
  const int one = 1;
  ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Each answer's read lag: the kernel's arrival stamp of its last bytes against the read.
  if (stamped_) enable_arrival_stamps(c.fd);
  epoll_event ev{};
  // Edge-triggered and registered once: no epoll_ctl per request (EPOLLOUT until connected).
  ev.events = kInterest | EPOLLOUT;
  ev.data.u32 = index_of(c);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
    return fail(c, ErrorKind::kConnect, now);
  }
  c.wants_out = true;
  c.io = Io::kConnecting;
  const int rc =
      ::connect(c.fd, reinterpret_cast<const sockaddr*>(&config_->address), config_->address_size);
  if (rc == 0) {
    c.io = Io::kWriting;
    do_write(c, now);
  } else if (errno != EINPROGRESS) {
    fail(c, ErrorKind::kConnect, now);
  }
}

void EpollTransport::on_event(Conn& c, std::uint32_t events, std::int64_t now) {
  switch (c.io) {
    case Io::kConnecting: {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return fail(c, ErrorKind::kConnect, now);
      if (!(events & EPOLLOUT)) return;
      c.io = Io::kWriting;
      do_write(c, now);
      return;
    }
    case Io::kWriting:
      if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) do_write(c, now);
      // A server may answer before it has read the whole request (413, early errors).
      if (c.io == Io::kWriting && (events & EPOLLIN)) do_read(c, now);
      return;
    case Io::kReading:
      if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) do_read(c, now);
      return;
    case Io::kNone:
      // An idle keep-alive connection that the server closed (or wrote to): drop it; the
      // next request reconnects.
      if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) close_conn(c);
      return;
  }
}

void EpollTransport::do_write(Conn& c, std::int64_t now) {
  const std::string& r = *c.request;
  while (c.written < r.size()) {
    const ssize_t n = ::send(c.fd, r.data() + c.written, r.size() - c.written, MSG_NOSIGNAL);
    if (n > 0) {
      c.written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && would_block(errno)) return watch_out(c, true);  // an EPOLLOUT edge resumes
    if (n < 0 && errno == EINTR) continue;
    return fail(c, ErrorKind::kWrite, now);
  }
  watch_out(c, false);
  c.io = Io::kReading;
}

void EpollTransport::do_read(Conn& c, std::int64_t now) {
  for (;;) {
    // A body of stated length is received straight into its buffer; the rest (headers, small
    // or chunked bodies, bodies nobody reads) through the thread's read buffer.
    const std::span<char> room = c.parser.body_room();
    const bool in_place = !room.empty();
    char* into = in_place ? room.data() : read_buffer_.data();
    const std::size_t want = in_place ? room.size() : read_buffer_.size();
    const StampedRead read =
        stamped_ ? recv_stamped(c.fd, into, want) : StampedRead{::recv(c.fd, into, want, 0), 0};
    const ssize_t n = read.bytes;
    if (n > 0) {
      // Taken at once, so the parse below is not counted as waiting; only this read's stamp
      // (one without is no lag: an older segment's stamp would add the server's time).
      c.lag_ns = read.arrival_ns != 0 ? epoch_ns_now() - read.arrival_ns : -1;
      std::size_t used = 0;
      const auto got = static_cast<std::size_t>(n);
      const auto status = in_place ? c.parser.body_read(got) : c.parser.feed(into, got, &used);
      if (c.body.size() > c.scanned) {
        c.structure.feed(c.body.view().substr(c.scanned));
        c.scanned = c.body.size();
      }
      if (status == ResponseParser::Status::kComplete) return complete(c, driver_->now_ns());
      if (status == ResponseParser::Status::kError) return fail(c, ErrorKind::kRead, now);
      // Fewer bytes than asked: the socket is drained and the next arrival raises a new edge.
      if (got < want) return;
      continue;
    }
    if (n < 0 && would_block(errno)) return;
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 && c.parser.on_eof() == ResponseParser::Status::kComplete) {
      c.lag_ns = -1;  // ended by the server's FIN, whose wait is the server's
      return complete(c, driver_->now_ns());
    }
    // No quiet retries, as in wrk: a reset, even on a reused connection, is the server's doing
    // and counts as a read error.
    return fail(c, ErrorKind::kRead, now);
  }
}

void EpollTransport::complete(Conn& c, std::int64_t now) {
  ++c.requests_on_fd;
  // The read that ended the answer: its lag, unless it had no stamp or the wall clock stepped
  // back between the stamp and the read (a negative wait is no measurement).
  if (c.lag_ns >= 0) driver_->read_lag(index_of(c), c.lag_ns);
  c.lag_ns = -1;
  settle(c);
  if (!c.parser.keep_alive()) close_conn(c);
  driver_->answered(index_of(c), c.parser.status_code(),
                    {c.body.view(), c.body.room_after(), c.structure.finish()}, now);
}

void EpollTransport::fail(Conn& c, ErrorKind kind, std::int64_t now) {
  close_conn(c);
  driver_->failed(index_of(c), kind, now);
}

void EpollTransport::on_turn(std::int64_t now) {
  if (now < next_scan_ns_) return;
  bool in_flight = false;
  for (auto& c : conns_) {
    if (c.io != Io::kNone && now - driver_->sent_ns(index_of(c)) > timeout_ns_) {
      fail(c, ErrorKind::kTimeout, now);
    }
    in_flight = in_flight || c.io != Io::kNone;
  }
  // With nothing in flight (every user thinking) the loop need not wake for the scan: the next
  // start() schedules it again. Each wake-up costs a context switch, ~20-30 us of CPU on a VM.
  next_scan_ns_ = in_flight ? now + kTimeoutScanNs : kNoScan;
}

void EpollTransport::poll(std::int64_t wait_ns) {
  const int n = wait_.wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), wait_ns);
  for (int i = 0; i < n; ++i) {
    const epoll_event& ev = events_[static_cast<std::size_t>(i)];
    on_event(conns_[ev.data.u32], ev.events, driver_->now_ns());
  }
}

void EpollTransport::end() {
  for (auto& c : conns_) close_conn(c);
}

}  // namespace neuro::load

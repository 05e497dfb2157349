#include "load/engine/epoll/epoll_thread.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace neuro::load {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kTimeoutScanNs = 50 * kMs;
constexpr std::size_t kReadBuffer = 64 * 1024;

bool would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

// Timer heap order: earliest first.
bool later(const std::pair<std::int64_t, std::uint32_t>& a,
           const std::pair<std::int64_t, std::uint32_t>& b) {
  return a.first > b.first;
}

}  // namespace

struct EpollThread::Conn {
  int fd = -1;
  Phase phase = Phase::kIdle;
  std::size_t step = 0;
  std::int64_t intended_ns = 0;
  std::int64_t sent_ns = 0;
  const std::string* request = nullptr;
  std::string own_request;  // for steps whose path or headers hold ${variables}
  std::size_t written = 0;
  ResponseParser parser;
  std::string body;  // only for steps with captures
  Variables variables;
  std::int64_t iterations_done = 0;
  std::int64_t requests_on_fd = 0;
  bool started = false;
};

EpollThread::EpollThread(LoadThreadConfig config)
    : config_(std::move(config)),
      read_buffer_(kReadBuffer),
      tally_(config_.scenario->steps.size()) {
  const auto& steps = config_.scenario->steps;
  for (const auto& step : steps) {
    static_requests_.push_back(
        step.uses_variables()
            ? std::string()
            : serialize_request(step, config_.target, config_.auth_header, config_.base_variables));
  }
  end_ns_ = static_cast<std::int64_t>(config_.duration_s * 1e9);
  timeout_ns_ = static_cast<std::int64_t>(config_.timeout_s * 1e9);
}

EpollThread::~EpollThread() {
  for (auto& c : conns_) close_conn(c);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

std::int64_t EpollThread::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              config_.start)
      .count();
}

void EpollThread::publish() {
  tally_.publish(config_.open_model ? connections_open_ : users_running_ - finished_users_);
}

void EpollThread::schedule(Conn& c, std::int64_t at_ns) {
  c.phase = Phase::kWaiting;
  timers_.emplace_back(at_ns, static_cast<std::uint32_t>(&c - conns_.data()));
  std::push_heap(timers_.begin(), timers_.end(), later);
}

void EpollThread::close_conn(Conn& c) {
  if (c.fd >= 0) {
    ::close(c.fd);  // also removes it from the epoll set
    c.fd = -1;
    --connections_open_;
  }
  c.requests_on_fd = 0;
}

void EpollThread::start_request(Conn& c, std::int64_t intended_ns, std::int64_t now) {
  const Step& step = config_.scenario->steps[c.step];
  if (!c.started) {
    c.started = true;
    ++users_running_;
  }
  if (config_.open_model && c.step == 0 && now - intended_ns > kLateSendNs) ++late_sends_;
  c.intended_ns = intended_ns;
  c.sent_ns = now;
  const std::string& fixed = static_requests_[c.step];
  if (!fixed.empty()) {
    c.request = &fixed;
  } else {
    c.own_request = serialize_request(step, config_.target, config_.auth_header, c.variables);
    c.request = &c.own_request;
  }
  c.written = 0;
  c.parser.reset(step.method == "HEAD", step.captures.empty() ? nullptr : &c.body);
  if (c.fd < 0) {
    begin_connect(c, now);
  } else {
    c.phase = Phase::kWriting;
    do_write(c, now);
  }
}

void EpollThread::begin_connect(Conn& c, std::int64_t now) {
  c.fd = ::socket(config_.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) return fail(c, ErrorKind::kConnect, now);
  ++connections_open_;
  connections_peak_ = std::max(connections_peak_, connections_open_);
  const int one = 1;
  ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  epoll_event ev{};
  // Edge-triggered and registered once: no epoll_ctl per request.
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u32 = static_cast<std::uint32_t>(&c - conns_.data());
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
    return fail(c, ErrorKind::kConnect, now);
  }
  c.phase = Phase::kConnecting;
  const int rc =
      ::connect(c.fd, reinterpret_cast<const sockaddr*>(&config_.address), config_.address_size);
  if (rc == 0) {
    c.phase = Phase::kWriting;
    do_write(c, now);
  } else if (errno != EINPROGRESS) {
    fail(c, ErrorKind::kConnect, now);
  }
}

void EpollThread::on_event(Conn& c, std::uint32_t events, std::int64_t now) {
  switch (c.phase) {
    case Phase::kConnecting: {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return fail(c, ErrorKind::kConnect, now);
      if (!(events & EPOLLOUT)) return;
      c.phase = Phase::kWriting;
      do_write(c, now);
      return;
    }
    case Phase::kWriting:
      if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) do_write(c, now);
      // A server may answer before it has read the whole request (413, early errors).
      if (c.phase == Phase::kWriting && (events & EPOLLIN)) do_read(c, now);
      return;
    case Phase::kReading:
      if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) do_read(c, now);
      return;
    default:
      // An idle keep-alive connection that the server closed (or wrote to): drop it; the
      // next request reconnects.
      if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) close_conn(c);
      return;
  }
}

void EpollThread::do_write(Conn& c, std::int64_t now) {
  const std::string& r = *c.request;
  while (c.written < r.size()) {
    const ssize_t n = ::send(c.fd, r.data() + c.written, r.size() - c.written, MSG_NOSIGNAL);
    if (n > 0) {
      c.written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && would_block(errno)) return;  // the next EPOLLOUT edge resumes
    if (n < 0 && errno == EINTR) continue;
    return fail(c, ErrorKind::kWrite, now);
  }
  c.phase = Phase::kReading;
}

void EpollThread::do_read(Conn& c, std::int64_t now) {
  for (;;) {
    const ssize_t n = ::recv(c.fd, read_buffer_.data(), read_buffer_.size(), 0);
    if (n > 0) {
      std::size_t used = 0;
      const auto status = c.parser.feed(read_buffer_.data(), static_cast<std::size_t>(n), &used);
      if (status == ResponseParser::Status::kComplete) return complete(c, now_ns());
      if (status == ResponseParser::Status::kError) return fail(c, ErrorKind::kRead, now);
      // Fewer bytes than asked: the socket is drained and the next arrival raises a new edge.
      if (static_cast<std::size_t>(n) < read_buffer_.size()) return;
      continue;
    }
    if (n < 0 && would_block(errno)) return;
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 && c.parser.on_eof() == ResponseParser::Status::kComplete) {
      return complete(c, now_ns());
    }
    // No quiet retries, as in wrk: a reset, even on a reused connection, is the server's doing
    // and counts as a read error.
    return fail(c, ErrorKind::kRead, now);
  }
}

void EpollThread::complete(Conn& c, std::int64_t now) {
  const Step& step = config_.scenario->steps[c.step];
  tally_.answered(c.step, c.parser.status_code(), c.intended_ns, c.sent_ns, now);
  for (const auto& capture : step.captures) {
    c.variables[capture.name] = capture_json(c.body, capture.json_path);
  }
  ++c.requests_on_fd;
  if (!c.parser.keep_alive()) close_conn(c);
  after_request(c, true, now);
}

void EpollThread::fail(Conn& c, ErrorKind kind, std::int64_t now) {
  tally_.failed(c.step, kind, now);
  close_conn(c);
  after_request(c, false, now);
}

void EpollThread::after_request(Conn& c, bool ok, std::int64_t now) {
  if (draining_ && !config_.open_model) {
    c.phase = Phase::kFinished;
    close_conn(c);
    return;
  }
  if (!ok) return end_iteration(c, false, now);
  ++c.step;
  if (c.step == config_.scenario->steps.size()) return end_iteration(c, true, now);
  if (config_.think_time_s > 0) {
    return schedule(c, now + static_cast<std::int64_t>(config_.think_time_s * 1e9));
  }
  start_request(c, now, now);
}

void EpollThread::end_iteration(Conn& c, bool ok, std::int64_t now) {
  c.step = 0;
  if (!config_.open_model) {
    ++c.iterations_done;
    if (config_.iterations > 0 && c.iterations_done >= config_.iterations) {
      c.phase = Phase::kFinished;
      ++finished_users_;
      close_conn(c);
      return;
    }
    auto pause = static_cast<std::int64_t>(config_.think_time_s * 1e9);
    if (!ok) pause = std::max(pause, kFailureBackoffNs);
    if (pause > 0) return schedule(c, now + pause);
    return start_request(c, now, now);
  }
  c.variables = config_.base_variables;
  // After a failure the connection takes its next arrival from the loop, not from here: a
  // dead target would otherwise recurse once per queued arrival.
  if (!ok) return schedule(c, now);
  take_arrival(c, now);
}

void EpollThread::take_arrival(Conn& c, std::int64_t now) {
  if (const auto intended = arrivals_.take(static_cast<std::uint32_t>(&c - conns_.data()))) {
    return start_request(c, *intended, now);
  }
  c.phase = Phase::kIdle;
}

void EpollThread::release_arrivals(std::int64_t now) {
  arrivals_.release(now, [&](std::uint32_t slot, std::int64_t intended) {
    start_request(conns_[slot], intended, now);
  });
}

bool EpollThread::busy() const {
  if (arrivals_.has_pending()) return true;
  for (const auto& c : conns_) {
    if (c.phase == Phase::kConnecting || c.phase == Phase::kWriting || c.phase == Phase::kReading) {
      return true;
    }
  }
  return false;
}

void EpollThread::check_timeouts(std::int64_t now) {
  for (auto& c : conns_) {
    if ((c.phase == Phase::kConnecting || c.phase == Phase::kWriting ||
         c.phase == Phase::kReading) &&
        now - c.sent_ns > timeout_ns_) {
      fail(c, ErrorKind::kTimeout, now);
    }
  }
}

void EpollThread::run(const std::atomic<bool>& stop) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (config_.open_model) {
    conns_.resize(static_cast<std::size_t>(std::max(1, config_.connections)));
    for (auto& c : conns_) c.variables = config_.base_variables;
    arrivals_.start(config_.curve, config_.lane, conns_.size());
  } else {
    conns_.resize(config_.user_starts_s.size());
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      conns_[i].variables = config_.base_variables;
      schedule(conns_[i], static_cast<std::int64_t>(config_.user_starts_s[i] * 1e9));
    }
  }
  std::vector<epoll_event> events(512);
  std::int64_t next_scan = kTimeoutScanNs;
  bool pwait2 = true;
  while (!stop.load(std::memory_order_relaxed)) {
    std::int64_t now = now_ns();
    // At the end no new work starts, and what is in flight (or queued, open model) gets up to
    // one timeout to finish, so that counts do not depend on where the clock cut them.
    // Arrivals due by now first: a thread that wakes after the end (a loaded machine) still owes
    // the ones scheduled before it a send, late, or a drop; deciding the run is over first would
    // lose them from every count.
    if (config_.open_model) release_arrivals(now);
    if (now >= end_ns_ && !draining_) draining_ = true;
    if (draining_ && (!busy() || now >= end_ns_ + timeout_ns_)) break;
    if (!config_.open_model && finished_users_ == static_cast<std::int64_t>(conns_.size())) break;
    while (!draining_ && !timers_.empty() && timers_.front().first <= now) {
      const auto [at, index] = timers_.front();
      std::pop_heap(timers_.begin(), timers_.end(), later);
      timers_.pop_back();
      Conn& c = conns_[index];
      if (c.phase != Phase::kWaiting) continue;
      if (config_.open_model && c.step == 0) {
        take_arrival(c, now);
      } else {
        start_request(c, config_.open_model ? at : now, now);
      }
    }
    if (now >= next_scan) {
      check_timeouts(now);
      next_scan = now + kTimeoutScanNs;
    }
    tally_.tick(now);
    publish();
    std::int64_t wake = std::min(arrivals_.next_ns(), next_scan);
    if (!draining_) wake = std::min(wake, end_ns_);
    if (!draining_ && !timers_.empty()) wake = std::min(wake, timers_.front().first);
    const std::int64_t wait_ns = std::max<std::int64_t>(0, wake - now);
    int n = -1;
    if (pwait2) {
      const timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000),
                        static_cast<long>(wait_ns % 1'000'000'000)};
      n = ::epoll_pwait2(epoll_fd_, events.data(), static_cast<int>(events.size()), &ts, nullptr);
      if (n < 0 && errno == ENOSYS) pwait2 = false;
    }
    if (!pwait2) {
      n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                       static_cast<int>((wait_ns + kMs - 1) / kMs));
    }
    for (int i = 0; i < n; ++i) {
      Conn& c = conns_[events[static_cast<std::size_t>(i)].data.u32];
      on_event(c, events[static_cast<std::size_t>(i)].events, now_ns());
    }
  }
  // Arrivals that never found a connection were not sent: dropped, not hidden.
  arrivals_.drop_pending();
  tally_.flush_second();
  for (auto& c : conns_) close_conn(c);
  publish();
}

}  // namespace neuro::load

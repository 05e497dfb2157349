#include "load/engine/curl/curl_thread.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace neuro::load {
namespace {

constexpr std::int64_t kMs = 1'000'000;
// The longest sleep: the stop flag and the per-second series are looked at this often.
constexpr std::int64_t kMaxWaitNs = 50 * kMs;

// Timer heap order: earliest first.
bool later(const std::pair<std::int64_t, std::uint32_t>& a,
           const std::pair<std::int64_t, std::uint32_t>& b) {
  return a.first > b.first;
}

}  // namespace

struct CurlThread::User {
  CurlEasy easy;
  CurlHeaders headers;  // of the request in flight
  Phase phase = Phase::kIdle;
  std::size_t step = 0;
  std::int64_t intended_ns = 0;
  std::int64_t sent_ns = 0;
  bool keep_body = false;  // the step has captures
  std::string body;
  Variables variables;
  std::int64_t iterations_done = 0;
  bool started = false;
};

CurlThread::CurlThread(LoadThreadConfig config)
    : config_(std::move(config)), tally_(config_.scenario->steps.size()) {
  ensure_curl_initialized();
  end_ns_ = static_cast<std::int64_t>(config_.duration_s * 1e9);
  timeout_ns_ = static_cast<std::int64_t>(config_.timeout_s * 1e9);
}

CurlThread::~CurlThread() {
  if (multi_) {
    for (auto& u : users_) {
      if (u.phase == Phase::kInFlight) curl_multi_remove_handle(multi_.get(), u.easy.get());
    }
  }
  multi_.reset();  // closes the cached connections through on_close_socket
  users_.clear();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

std::map<std::string, std::int64_t> CurlThread::responses_by_http_version() const {
  std::map<std::string, std::int64_t> out;
  for (const auto& [version, n] : responses_by_version_) out[http_version_name(version)] += n;
  return out;
}

std::int64_t CurlThread::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              config_.start)
      .count();
}

int CurlThread::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto* w = static_cast<CurlThread*>(self);
  if (what == CURL_POLL_REMOVE) {
    ::epoll_ctl(w->epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    return 0;
  }
  epoll_event ev{};
  // Level-triggered: libcurl reads and writes only as much as it wants per action.
  ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  if (::epoll_ctl(w->epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT) {
    ::epoll_ctl(w->epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  return 0;
}

int CurlThread::on_timer(CURLM*, long timeout_ms, void* self) {
  auto* w = static_cast<CurlThread*>(self);
  w->curl_timer_ns_ = timeout_ms < 0 ? INT64_MAX : w->now_ns() + timeout_ms * kMs;
  return 0;
}

curl_socket_t CurlThread::on_open_socket(void* self, curlsocktype, curl_sockaddr* address) {
  auto* w = static_cast<CurlThread*>(self);
  const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  ++w->connections_open_;
  w->connections_peak_ = std::max(w->connections_peak_, w->connections_open_);
  return fd;
}

int CurlThread::on_close_socket(void* self, curl_socket_t fd) {
  --static_cast<CurlThread*>(self)->connections_open_;
  return ::close(fd);
}

std::size_t CurlThread::on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<User*>(user);
  if (u->keep_body) u->body.append(data, size * n);
  return size * n;
}

void CurlThread::publish() {
  tally_.publish(config_.open_model ? connections_open_ : users_running_ - finished_users_);
}

void CurlThread::schedule(User& u, std::int64_t at_ns) {
  u.phase = Phase::kWaiting;
  timers_.emplace_back(at_ns, static_cast<std::uint32_t>(&u - users_.data()));
  std::push_heap(timers_.begin(), timers_.end(), later);
}

void CurlThread::start_request(User& u, std::int64_t intended_ns, std::int64_t now) {
  const Step& step = config_.scenario->steps[u.step];
  if (!u.started) {
    u.started = true;
    ++users_running_;
  }
  if (config_.open_model && u.step == 0 && now - intended_ns > kLateSendNs) ++late_sends_;
  u.intended_ns = intended_ns;
  u.sent_ns = now;
  u.keep_body = !step.captures.empty();
  u.body.clear();
  u.headers = set_request(u.easy.get(), step, config_.target, config_.auth_header, u.variables);
  u.phase = Phase::kInFlight;
  if (curl_multi_add_handle(multi_.get(), u.easy.get()) != CURLM_OK) {
    u.phase = Phase::kIdle;
    tally_.failed(u.step, ErrorKind::kConnect, now);
    after_request(u, false, now);
  }
}

void CurlThread::collect_finished() {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    // The message dies with remove_handle: take what it says first.
    CURL* easy = msg->easy_handle;
    const CURLcode result = msg->data.result;
    curl_multi_remove_handle(multi_.get(), easy);
    User* u = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &u);
    finish(*u, result, now_ns());
  }
}

void CurlThread::finish(User& u, CURLcode result, std::int64_t now) {
  u.phase = Phase::kIdle;
  u.headers.reset();
  if (result != CURLE_OK) {
    tally_.failed(u.step, error_kind_of(result), now);
    return after_request(u, false, now);
  }
  long status = 0, version = 0;
  curl_easy_getinfo(u.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(u.easy.get(), CURLINFO_HTTP_VERSION, &version);
  ++responses_by_version_[version];
  tally_.answered(u.step, static_cast<int>(status), u.intended_ns, u.sent_ns, now);
  for (const auto& capture : config_.scenario->steps[u.step].captures) {
    u.variables[capture.name] = capture_json(u.body, capture.json_path);
  }
  after_request(u, true, now);
}

void CurlThread::after_request(User& u, bool ok, std::int64_t now) {
  if (draining_ && !config_.open_model) {
    u.phase = Phase::kFinished;
    return;
  }
  if (!ok) return end_iteration(u, false, now);
  ++u.step;
  if (u.step == config_.scenario->steps.size()) return end_iteration(u, true, now);
  if (config_.think_time_s > 0) {
    return schedule(u, now + static_cast<std::int64_t>(config_.think_time_s * 1e9));
  }
  start_request(u, now, now);
}

void CurlThread::end_iteration(User& u, bool ok, std::int64_t now) {
  u.step = 0;
  if (!config_.open_model) {
    ++u.iterations_done;
    if (config_.iterations > 0 && u.iterations_done >= config_.iterations) {
      u.phase = Phase::kFinished;
      ++finished_users_;
      return;
    }
    auto pause = static_cast<std::int64_t>(config_.think_time_s * 1e9);
    if (!ok) pause = std::max(pause, kFailureBackoffNs);
    if (pause > 0) return schedule(u, now + pause);
    return start_request(u, now, now);
  }
  u.variables = config_.base_variables;
  // After a failure the user takes its next arrival from the loop, not from here: a dead
  // target would otherwise recurse once per queued arrival.
  if (!ok) return schedule(u, now);
  take_arrival(u, now);
}

void CurlThread::take_arrival(User& u, std::int64_t now) {
  if (const auto intended = arrivals_.take(static_cast<std::uint32_t>(&u - users_.data()))) {
    return start_request(u, *intended, now);
  }
  u.phase = Phase::kIdle;
}

void CurlThread::release_arrivals(std::int64_t now) {
  arrivals_.release(now, [&](std::uint32_t slot, std::int64_t intended) {
    start_request(users_[slot], intended, now);
  });
}

bool CurlThread::busy() const {
  if (arrivals_.has_pending()) return true;
  for (const auto& u : users_) {
    if (u.phase == Phase::kInFlight) return true;
  }
  return false;
}

void CurlThread::socket_action(curl_socket_t fd, int events) {
  int running = 0;
  curl_multi_socket_action(multi_.get(), fd, events, &running);
}

void CurlThread::run(const std::atomic<bool>& stop) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  multi_.reset(curl_multi_init());
  CURLM* m = multi_.get();
  curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &CurlThread::on_socket);
  curl_multi_setopt(m, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &CurlThread::on_timer);
  curl_multi_setopt(m, CURLMOPT_TIMERDATA, this);
  const bool multiplex = config_.transport.http2 && (config_.target.tls || !h2c_reuse_broken());
  curl_multi_setopt(m, CURLMOPT_PIPELINING, multiplex ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
  users_.resize(config_.open_model ? static_cast<std::size_t>(std::max(1, config_.connections))
                                   : config_.user_starts_s.size());
  for (std::size_t i = 0; i < users_.size(); ++i) {
    User& u = users_[i];
    u.easy = make_easy(config_.target, config_.transport, config_.timeout_s);
    CURL* e = u.easy.get();
    curl_easy_setopt(e, CURLOPT_PRIVATE, &u);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlThread::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &u);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &CurlThread::on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &CurlThread::on_close_socket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    u.variables = config_.base_variables;
  }
  if (config_.open_model) {
    arrivals_.start(config_.curve, config_.lane, users_.size());
  } else {
    for (std::size_t i = 0; i < users_.size(); ++i) {
      schedule(users_[i], static_cast<std::int64_t>(config_.user_starts_s[i] * 1e9));
    }
  }
  std::vector<epoll_event> events(256);
  bool pwait2 = true;
  while (!stop.load(std::memory_order_relaxed)) {
    std::int64_t now = now_ns();
    // Arrivals due by now first, as in the epoll engine (a late wake-up must not lose them).
    if (config_.open_model) release_arrivals(now);
    // As in the epoll engine: at the end no new work starts and what is in flight (or queued)
    // gets up to one timeout to finish.
    if (now >= end_ns_ && !draining_) draining_ = true;
    if (draining_ && (!busy() || now >= end_ns_ + timeout_ns_)) break;
    if (!config_.open_model && finished_users_ == static_cast<std::int64_t>(users_.size())) break;
    while (!draining_ && !timers_.empty() && timers_.front().first <= now) {
      const auto [at, index] = timers_.front();
      std::pop_heap(timers_.begin(), timers_.end(), later);
      timers_.pop_back();
      User& u = users_[index];
      if (u.phase != Phase::kWaiting) continue;
      if (config_.open_model && u.step == 0) {
        take_arrival(u, now);
      } else {
        start_request(u, config_.open_model ? at : now, now);
      }
    }
    if (curl_timer_ns_ <= now) {
      curl_timer_ns_ = INT64_MAX;
      socket_action(CURL_SOCKET_TIMEOUT, 0);
      collect_finished();
    }
    tally_.tick(now);
    publish();
    std::int64_t wake = std::min({arrivals_.next_ns(), curl_timer_ns_, now + kMaxWaitNs});
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
      const epoll_event& ev = events[static_cast<std::size_t>(i)];
      int what = 0;
      if (ev.events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) what |= CURL_CSELECT_IN;
      if (ev.events & EPOLLOUT) what |= CURL_CSELECT_OUT;
      if (ev.events & EPOLLERR) what |= CURL_CSELECT_ERR;
      socket_action(ev.data.fd, what);
    }
    if (n > 0) collect_finished();
  }
  // Arrivals that never found a user were not sent: dropped, not hidden.
  arrivals_.drop_pending();
  tally_.flush_second();
  for (auto& u : users_) {
    if (u.phase == Phase::kInFlight) {
      curl_multi_remove_handle(multi_.get(), u.easy.get());
      u.phase = Phase::kFinished;
    }
  }
  publish();
}

}  // namespace neuro::load

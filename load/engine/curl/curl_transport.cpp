#include "load/engine/curl/curl_transport.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "load/engine/user_driver.hpp"

namespace neuro::load {
namespace {

constexpr std::int64_t kMs = 1'000'000;
// The longest sleep: the stop flag and the per-second series are looked at this often.
constexpr std::int64_t kMaxWaitNs = 50 * kMs;
constexpr std::size_t kEventsPerWait = 256;

}  // namespace

CurlTransport::CurlTransport() { ensure_curl_initialized(); }

CurlTransport::~CurlTransport() {
  if (multi_) {
    for (auto& h : handles_) {
      if (h.in_flight) curl_multi_remove_handle(multi_.get(), h.easy.get());
    }
  }
  multi_.reset();  // closes the cached connections through on_close_socket
  handles_.clear();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

std::map<std::string, std::int64_t> CurlTransport::responses_by_http_version(std::int64_t) const {
  std::map<std::string, std::int64_t> out;
  for (const auto& [version, n] : responses_by_version_) out[http_version_name(version)] += n;
  return out;
}

int CurlTransport::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto* t = static_cast<CurlTransport*>(self);
  if (what == CURL_POLL_REMOVE) {
    ::epoll_ctl(t->epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    return 0;
  }
  epoll_event ev{};
  // Level-triggered: libcurl reads and writes only as much as it wants per action.
  ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  if (::epoll_ctl(t->epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT) {
    ::epoll_ctl(t->epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  return 0;
}

int CurlTransport::on_timer(CURLM*, long timeout_ms, void* self) {
  auto* t = static_cast<CurlTransport*>(self);
  t->curl_timer_ns_ = timeout_ms < 0 ? INT64_MAX : t->driver_->now_ns() + timeout_ms * kMs;
  return 0;
}

curl_socket_t CurlTransport::on_open_socket(void* self, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<CurlTransport*>(self);
  const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  ++t->connections_open_;
  t->connections_peak_ = std::max(t->connections_peak_, t->connections_open_);
  return fd;
}

int CurlTransport::on_close_socket(void* self, curl_socket_t fd) {
  --static_cast<CurlTransport*>(self)->connections_open_;
  return ::close(fd);
}

std::size_t CurlTransport::on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* h = static_cast<Handle*>(user);
  if (h->keep_body) h->body.append(data, size * n);
  return size * n;
}

void CurlTransport::begin(UserDriver& driver, std::size_t slots) {
  driver_ = &driver;
  config_ = &driver.config();
  events_.resize(kEventsPerWait);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  multi_.reset(curl_multi_init());
  CURLM* m = multi_.get();
  curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &CurlTransport::on_socket);
  curl_multi_setopt(m, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &CurlTransport::on_timer);
  curl_multi_setopt(m, CURLMOPT_TIMERDATA, this);
  const bool multiplex = config_->transport.http2 && (config_->target.tls || !h2c_reuse_broken());
  curl_multi_setopt(m, CURLMOPT_PIPELINING, multiplex ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
  // The pool is `slots` connections, kept through a lull: left at its default the cache holds
  // 4 per transfer in flight (handles join the multi only while they run), so one request in
  // flight closed all but 4 idle connections and the next burst paid new handshakes. The total
  // is also the hard bound a transfer waits for, as in the epoll engine.
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, static_cast<long>(slots));
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(slots));
  handles_.resize(slots);
  for (std::size_t i = 0; i < handles_.size(); ++i) {
    Handle& h = handles_[i];
    h.slot = static_cast<std::uint32_t>(i);
    h.easy = make_easy(config_->target, config_->transport, config_->timeout_s);
    CURL* e = h.easy.get();
    curl_easy_setopt(e, CURLOPT_PRIVATE, &h);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlTransport::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &h);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &CurlTransport::on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &CurlTransport::on_close_socket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
  }
}

void CurlTransport::start(std::uint32_t slot, std::size_t step_index, const Variables& variables,
                          std::int64_t now) {
  Handle& h = handles_[slot];
  const Step& step = config_->scenario->steps[step_index];
  h.keep_body = step.needs_body();
  h.body.clear();
  h.headers = set_request(h.easy.get(), step, config_->target, config_->auth_header, variables,
                          h.sent_body);
  h.in_flight = true;
  if (curl_multi_add_handle(multi_.get(), h.easy.get()) != CURLM_OK) {
    h.in_flight = false;
    driver_->failed(slot, ErrorKind::kConnect, now);
  }
}

void CurlTransport::collect_finished() {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    // The message dies with remove_handle: take what it says first.
    CURL* easy = msg->easy_handle;
    const CURLcode result = msg->data.result;
    curl_multi_remove_handle(multi_.get(), easy);
    Handle* h = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &h);
    finish(*h, result, driver_->now_ns());
  }
}

void CurlTransport::finish(Handle& h, CURLcode result, std::int64_t now) {
  h.in_flight = false;
  h.headers.reset();
  if (result != CURLE_OK) return driver_->failed(h.slot, error_kind_of(result), now);
  long status = 0, version = 0;
  curl_easy_getinfo(h.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(h.easy.get(), CURLINFO_HTTP_VERSION, &version);
  ++responses_by_version_[version];
  driver_->answered(h.slot, static_cast<int>(status),
                    {h.body, h.body.capacity() - h.body.size(), std::nullopt}, now);
}

void CurlTransport::socket_action(curl_socket_t fd, int events) {
  int running = 0;
  curl_multi_socket_action(multi_.get(), fd, events, &running);
}

void CurlTransport::on_turn(std::int64_t now) {
  if (curl_timer_ns_ > now) return;
  curl_timer_ns_ = INT64_MAX;
  socket_action(CURL_SOCKET_TIMEOUT, 0);
  collect_finished();
}

std::int64_t CurlTransport::wake_by_ns(std::int64_t now) const {
  return std::min(curl_timer_ns_, now + kMaxWaitNs);
}

void CurlTransport::poll(std::int64_t wait_ns) {
  const int n = wait_.wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), wait_ns);
  for (int i = 0; i < n; ++i) {
    const epoll_event& ev = events_[static_cast<std::size_t>(i)];
    int what = 0;
    if (ev.events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) what |= CURL_CSELECT_IN;
    if (ev.events & EPOLLOUT) what |= CURL_CSELECT_OUT;
    if (ev.events & EPOLLERR) what |= CURL_CSELECT_ERR;
    socket_action(ev.data.fd, what);
  }
  if (n > 0) collect_finished();
}

void CurlTransport::end() {
  for (auto& h : handles_) {
    if (h.in_flight) {
      curl_multi_remove_handle(multi_.get(), h.easy.get());
      h.in_flight = false;
    }
  }
}

}  // namespace neuro::load

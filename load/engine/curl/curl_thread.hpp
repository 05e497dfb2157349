// One load thread on libcurl's multi interface, for what the epoll engine does not speak: TLS
// (https://) and HTTP/2 (ALPN h2, or prior-knowledge h2c). One CURLM per thread driven from
// an epoll loop through libcurl's socket and timer callbacks, one easy handle per user (closed
// model) or per pool slot (open model), reused so that connections stay alive; over HTTP/2 the
// handles wait for and share one multiplexed connection. The models, the counting and the
// errors are the epoll engine's (epoll_thread.hpp): only the transport differs, at about half the
// requests per core.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "load/engine/arrival_queue.hpp"
#include "load/engine/curl/curl_easy.hpp"
#include "load/engine/load_thread.hpp"
#include "load/engine/outcome_tally.hpp"
#include "load/engine/policy.hpp"

namespace neuro::load {

class CurlThread final : public LoadThread {
 public:
  explicit CurlThread(LoadThreadConfig config);
  ~CurlThread() override;
  CurlThread(const CurlThread&) = delete;
  CurlThread& operator=(const CurlThread&) = delete;

  void run(const std::atomic<bool>& stop) override;

  std::int64_t live_requests() const override { return tally_.live_requests(); }
  std::int64_t live_errors() const override { return tally_.live_errors(); }
  std::int64_t live_users() const override { return tally_.live_users(); }
  Series take_series() override { return tally_.take_series(); }

  const std::vector<StepStats>& steps() const override { return tally_.steps(); }
  std::int64_t late_sends() const override { return late_sends_; }
  std::int64_t dropped_sends() const override { return arrivals_.dropped(); }
  std::int64_t open_connections_peak() const override { return connections_peak_; }
  std::map<std::string, std::int64_t> responses_by_http_version() const override;

 private:
  struct User;
  enum class Phase { kIdle, kInFlight, kWaiting, kFinished };

  // libcurl callbacks; `self` is the CurlThread.
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  static curl_socket_t on_open_socket(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int on_close_socket(void* self, curl_socket_t fd);
  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user);

  std::int64_t now_ns() const;
  void start_request(User& u, std::int64_t intended_ns, std::int64_t now);
  void collect_finished();
  void finish(User& u, CURLcode result, std::int64_t now);
  void after_request(User& u, bool ok, std::int64_t now);
  void end_iteration(User& u, bool ok, std::int64_t now);
  void take_arrival(User& u, std::int64_t now);
  void schedule(User& u, std::int64_t at_ns);
  void release_arrivals(std::int64_t now);
  void socket_action(curl_socket_t fd, int events);
  bool busy() const;
  void publish();

  LoadThreadConfig config_;
  CurlMulti multi_;
  int epoll_fd_ = -1;
  std::int64_t curl_timer_ns_ = INT64_MAX;  // when libcurl wants its timeout action
  std::vector<User> users_;                 // sized once: libcurl holds pointers into it
  ArrivalQueue arrivals_;                   // open model
  std::vector<std::pair<std::int64_t, std::uint32_t>> timers_;  // min-heap (wake ns, user)
  std::int64_t end_ns_ = 0;
  std::int64_t timeout_ns_ = 0;
  bool draining_ = false;
  OutcomeTally tally_;
  std::map<long, std::int64_t> responses_by_version_;  // CURL_HTTP_VERSION_* -> answers

  std::int64_t users_running_ = 0, finished_users_ = 0;
  std::int64_t late_sends_ = 0, connections_open_ = 0, connections_peak_ = 0;
};

}  // namespace neuro::load

// libcurl's multi interface for one load thread, for what the epoll transport does not speak:
// TLS (https://) and HTTP/2 (ALPN h2, or prior-knowledge h2c). One CURLM per thread driven from
// an epoll loop through libcurl's socket and timer callbacks, one easy handle per slot (a
// closed-model user, or a connection of the open model's pool), reused so that connections stay
// alive; over HTTP/2 the handles wait for and share one multiplexed connection. The user model
// above it (user_driver.hpp) is the epoll transport's: only the transport differs, at about
// half the requests per core.
#pragma once

#include <curl/curl.h>
#include <sys/epoll.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "load/engine/curl/curl_easy.hpp"
#include "load/engine/event_wait.hpp"
#include "load/engine/transport.hpp"

namespace neuro::load {

struct LoadThreadConfig;

class CurlTransport final : public Transport {
 public:
  CurlTransport();
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void begin(UserDriver& driver, std::size_t slots) override;
  void start(std::uint32_t slot, std::size_t step, const Variables& variables,
             std::int64_t now) override;
  void close(std::uint32_t) override {}  // libcurl keeps the connection in its cache
  void on_turn(std::int64_t now) override;
  std::int64_t wake_by_ns(std::int64_t now) const override;
  void poll(std::int64_t wait_ns) override;
  void end() override;

  std::int64_t open_connections() const override { return connections_open_; }
  std::int64_t open_connections_peak() const override { return connections_peak_; }
  std::map<std::string, std::int64_t> responses_by_http_version(std::int64_t) const override;
  // Its epoll set, for a transport that nests it in its own (ws_transport.hpp over https://).
  int epoll_fd() const { return epoll_fd_; }

 private:
  struct Handle {
    CurlEasy easy;
    CurlHeaders headers;  // of the request in flight
    bool in_flight = false;
    bool keep_body = false;  // the step reads its answer (captures, checks, until)
    std::string body;
    std::string sent_body;  // the request's, substituted
    std::uint32_t slot = 0;
  };

  // libcurl callbacks; `self` is the CurlTransport.
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  static curl_socket_t on_open_socket(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int on_close_socket(void* self, curl_socket_t fd);
  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user);

  void collect_finished();
  void finish(Handle& h, CURLcode result, std::int64_t now);
  void socket_action(curl_socket_t fd, int events);

  UserDriver* driver_ = nullptr;
  const LoadThreadConfig* config_ = nullptr;
  CurlMulti multi_;
  int epoll_fd_ = -1;
  EventWait wait_;
  std::vector<epoll_event> events_;
  std::int64_t curl_timer_ns_ = INT64_MAX;             // when libcurl wants its timeout action
  std::vector<Handle> handles_;                        // sized once: libcurl holds pointers into it
  std::map<long, std::int64_t> responses_by_version_;  // CURL_HTTP_VERSION_* -> answers
  std::int64_t connections_open_ = 0, connections_peak_ = 0;
};

}  // namespace neuro::load

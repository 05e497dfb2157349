// One HTTP/1.1 connection: reads a request header first (request_parser<empty_body>), routes
// it, checks auth and the route's body limit, then reads the body into memory or streams it to
// the route's sink, runs the handler (inline or on the handler pool) and writes the answer.
// Everything runs on the connection's strand; do_x starts an operation, on_x completes it.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/server/beast.hpp"
#include "engine/server/context.hpp"
#include "engine/server/router.hpp"

namespace neuro::server {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, ServerContext& server);
  ~HttpSession();

  void run();
  // Called at drain: a connection waiting for its next request is closed now; one in the
  // middle of a request closes after answering it.
  void close_if_idle();

 private:
  void do_read_header();
  void on_read_header(beast::error_code ec, std::size_t bytes);
  void do_continue(const std::function<void()>& next);
  void do_read_body();
  void on_read_body(beast::error_code ec, std::size_t bytes);
  void do_read_stream();
  void on_read_stream(beast::error_code ec, std::size_t bytes);
  void read_chunked_body();
  // A streamed body of known length, read straight from the socket in large pieces.
  void start_raw_body();
  void wait_raw_body();
  void on_raw_body_readable(beast::error_code ec);
  // False when the sink refused the bytes (the error answer is on its way).
  bool write_to_sink(std::string_view bytes);
  void do_handle(const std::shared_ptr<StringRequest>& request);
  void do_finish_stream();
  void do_write(StringResponse response);
  void on_write(bool close, beast::error_code ec, std::size_t bytes);
  void do_close();
  void do_drain();
  // SO_RCVLOWAT of the socket; 1 (the default) except while a streamed body is read.
  void set_low_water(std::size_t bytes);

  // Answers before the body was read: the connection is closed afterwards when a body follows,
  // since its bytes would be read as the next request.
  void reject(http::status status, const std::string& detail);
  std::optional<std::string> authenticate(bool allow_query_token);
  void hand_over_websocket(const std::string& user);
  // Every deadline of the connection (idle time before a header, a body, an answer's write, the
  // raw upload's pieces, the close's drain) is kept by one watchdog timer: watch() only moves a
  // time point, where Beast's stream timer was armed and cancelled around every read and write
  // (15 % of /health's throughput). The watchdog wakes at the deadline or after the shortest
  // request timeout, whichever is first, sleeps on while the deadline has moved later, and closes
  // the socket (as Beast's timeout does) when it finds the deadline passed; the operation pending
  // fails and its handler closes up. The stream's own timer is never set.
  void watch(std::chrono::steady_clock::duration timeout);
  void unwatch() noexcept { watch_until_ = std::chrono::steady_clock::time_point::max(); }
  void arm_watchdog();
  void on_watchdog(beast::error_code ec);

  beast::tcp_stream stream_;
  ServerContext& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  std::optional<http::request_parser<http::string_body>> body_parser_;
  std::optional<http::request_parser<http::buffer_body>> stream_parser_;
  std::unique_ptr<BodySink> sink_;
  std::vector<char> stream_buffer_;
  RequestContext request_;
  const Route* route_ = nullptr;
  std::size_t route_index_ = 0;
  bool keep_alive_ = true;
  bool idle_ = false;
  bool counted_ = false;
  std::size_t low_water_bytes_ = 1;
  std::uint64_t raw_remaining_ = 0;
  std::optional<net::steady_timer> watchdog_;
  std::chrono::steady_clock::time_point watch_until_ = std::chrono::steady_clock::time_point::max();
  bool watchdog_armed_ = false;
  std::optional<StringResponse> response_;  // the answer being written
  std::string head_bytes_;                  // its status line and fields (response_head.hpp)
  bool head_request_ = false;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace neuro::server

// What /ws/stream and /ws/devices sessions share: the handshake, a read loop that never waits on
// writes, one write in flight with the bounded SendQueue behind it, Beast's idle timeout with
// keep-alive pings, and closing (1001 at shutdown). Everything runs on the connection's
// executor (its strand); only request_close/force_close may be called from elsewhere.
#pragma once

#include <atomic>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <memory>
#include <string>

#include "engine/server/ws/send_queue.hpp"
#include "engine/server/ws/service_state.hpp"

namespace neuro::server::ws {

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  enum class Role { kStream, kDevice };
  WsSession(std::shared_ptr<ServiceState> state, boost::beast::tcp_stream stream, Role role,
            std::string user);
  virtual ~WsSession();
  WsSession(const WsSession&) = delete;
  WsSession& operator=(const WsSession&) = delete;

  // Answers the upgrade; at shutdown the handshake is completed and then closed with 1001.
  void start(const boost::beast::http::request<boost::beast::http::empty_body>& upgrade);

  // Thread-safe: after the queued messages, close with `code` (sends nothing new meanwhile).
  void request_close(boost::beast::websocket::close_code code);
  // Thread-safe: drop the TCP connection now (a peer that does not read its close frame).
  void force_close();

  std::size_t queue_depth() const noexcept { return depth_.load(std::memory_order_relaxed); }
  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

 protected:
  // On the connection's executor.
  virtual void on_open() {}
  virtual void on_text(std::string_view text) = 0;
  virtual void on_end() {}  // once, when the connection is finished (closed or failed)

  void send(std::shared_ptr<const std::string> bytes, bool binary = false);
  void send(std::string text) { send(std::make_shared<const std::string>(std::move(text))); }
  // Messages written back to back as one entry of the queue (nothing when `frames` is empty).
  void send_burst(std::shared_ptr<const Frames> frames, bool binary);
  void send_error(std::string_view message);
  bool ending() const noexcept { return closing_ || ended_; }
  // While paused, the next message stays in the socket (a call that must finish first).
  void pause_reading() noexcept { read_paused_ = true; }
  void resume_reading();

  ServiceState& state() noexcept { return *state_; }
  const std::string& user() const noexcept { return user_; }
  std::shared_ptr<ServiceState> state_ptr() const { return state_; }

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void enqueue(OutMessage message);
  void do_write();
  void write_part();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void finish();
  void set_depth(std::size_t depth);
  void set_corked(bool corked);

  std::shared_ptr<ServiceState> state_;
  boost::asio::any_io_executor executor_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  Role role_;
  std::string user_;
  SendQueue queue_;
  OutMessage in_flight_;
  std::size_t in_flight_part_ = 0;  // the message of in_flight_ being written
  std::atomic<std::size_t> depth_{0};
  bool open_ = false;  // handshake done and counted
  bool writing_ = false;
  bool corked_ = false;  // TCP_CORK set while a burst of queued messages is written
  bool read_paused_ = false;
  bool read_waiting_ = false;  // a read was due while paused
  bool closing_ = false;
  bool close_sent_ = false;
  bool ended_ = false;
  boost::beast::websocket::close_code close_code_ = boost::beast::websocket::close_code::normal;
};

}  // namespace neuro::server::ws

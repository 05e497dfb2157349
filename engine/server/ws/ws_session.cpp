#include "engine/server/ws/ws_session.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>

#include "engine/server/ws/messages.hpp"

namespace neuro::server::ws {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
}

WsSession::WsSession(std::shared_ptr<ServiceState> state, beast::tcp_stream stream, Role role,
                     std::string user)
    : state_(std::move(state)),
      executor_(stream.get_executor()),
      ws_(std::move(stream)),
      role_(role),
      user_(std::move(user)),
      queue_(state_->options.max_queued_messages) {}

WsSession::~WsSession() {
  if (!ended_) {
    ended_ = true;  // the io_context went away: no on_end, but the books must balance
    set_depth(0);
    if (open_) {
      (role_ == Role::kStream ? state_->counters.stream_sessions : state_->counters.device_sessions)
          .fetch_sub(1);
    }
  }
  std::lock_guard lock(state_->sessions_mutex);
  state_->sessions.erase(this);
  state_->sessions_changed.notify_all();
}

void WsSession::start(const beast::http::request<beast::http::empty_body>& upgrade) {
  beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts take over
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = kHandshakeTimeout;
  timeout.idle_timeout = state_->options.idle_timeout;
  timeout.keep_alive_pings = true;  // a ping at half the idle time; no answer closes
  ws_.set_option(timeout);
  ws_.read_message_max(state_->options.max_message_bytes);
  ws_.auto_fragment(false);
  ws_.async_accept(upgrade,
                   [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) {
    ended_ = true;
    return;
  }
  {
    std::lock_guard lock(state_->sessions_mutex);
    state_->sessions.emplace(this, weak_from_this());
  }
  open_ = true;
  (role_ == Role::kStream ? state_->counters.stream_sessions : state_->counters.device_sessions)
      .fetch_add(1);
  if (state_->shutting_down.load()) {
    closing_ = true;
    close_code_ = websocket::close_code::going_away;
    do_close();
  } else {
    on_open();
  }
  do_read();
}

void WsSession::do_read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
    self->on_read(ec, bytes);
  });
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    finish();
    return;
  }
  if (!closing_) {
    if (ws_.got_text()) {
      const auto data = buffer_.cdata();
      on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
    } else {
      state_->counters.protocol_errors_total.fetch_add(1);
      send_error("binary messages are not accepted here; send JSON text");
    }
  }
  buffer_.consume(buffer_.size());
  if (ended_) return;
  if (read_paused_) {
    read_waiting_ = true;
    return;
  }
  do_read();
}

void WsSession::resume_reading() {
  read_paused_ = false;
  if (!read_waiting_) return;
  read_waiting_ = false;
  if (!ended_) do_read();
}

void WsSession::send(std::shared_ptr<const std::string> bytes, bool binary) {
  if (ending() || !bytes) return;
  enqueue({std::move(bytes), binary, nullptr});
}

void WsSession::send_burst(std::shared_ptr<const Frames> frames, bool binary) {
  if (ending() || !frames || frames->empty()) return;
  enqueue({nullptr, binary, std::move(frames)});
}

void WsSession::enqueue(OutMessage message) {
  if (const auto dropped = queue_.push(std::move(message))) {
    state_->counters.messages_dropped_total.fetch_add(static_cast<std::int64_t>(dropped),
                                                      std::memory_order_relaxed);
  }
  set_depth(queue_.messages());
  if (!writing_) do_write();
}

void WsSession::send_error(std::string_view message) { send(error_json(message)); }

void WsSession::do_write() {
  if (queue_.empty()) {
    writing_ = false;
    set_corked(false);
    if (closing_) do_close();
    return;
  }
  writing_ = true;
  in_flight_ = queue_.pop();
  in_flight_part_ = 0;
  set_depth(queue_.messages());
  write_part();
}

void WsSession::write_part() {
  // More follows this message (the burst's next one, or the queue's): corked until the queue
  // is empty.
  if (in_flight_part_ + 1 < in_flight_.messages() || !queue_.empty()) set_corked(true);
  ws_.binary(in_flight_.binary);
  ws_.async_write(net::buffer(in_flight_.part(in_flight_part_)),
                  [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                    self->on_write(ec, bytes);
                  });
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    in_flight_ = {};
    writing_ = false;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);  // ends the read loop too
    finish();
    return;
  }
  state_->counters.messages_sent_total.fetch_add(1, std::memory_order_relaxed);
  if (closing_) {
    in_flight_ = {};
    writing_ = false;
    do_close();
    return;
  }
  if (!ended_ && ++in_flight_part_ < in_flight_.messages()) return write_part();
  in_flight_ = {};
  do_write();
}

void WsSession::request_close(websocket::close_code code) {
  net::post(executor_, [self = shared_from_this(), code] {
    if (self->ending() || !self->open_) return;
    self->closing_ = true;
    self->close_code_ = code;
    self->queue_.clear();
    self->set_depth(0);
    if (!self->writing_) self->do_close();
  });
}

void WsSession::force_close() {
  net::post(executor_, [self = shared_from_this()] {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

void WsSession::do_close() {
  if (close_sent_ || ended_) return;
  close_sent_ = true;
  set_corked(false);
  ws_.async_close(close_code_, [self = shared_from_this()](beast::error_code ec) {
    if (ec) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    }
    // The pending read completes next (closed), which finishes the session.
  });
}

void WsSession::finish() {
  if (ended_) return;
  ended_ = true;
  queue_.clear();
  set_depth(0);
  on_end();
  if (open_) {
    (role_ == Role::kStream ? state_->counters.stream_sessions : state_->counters.device_sessions)
        .fetch_sub(1);
    open_ = false;
  }
  std::lock_guard lock(state_->sessions_mutex);
  state_->sessions.erase(this);
  state_->sessions_changed.notify_all();
}

// A burst of messages for one client (a packet cut into many, or a slow reader's backlog) is
// written one Beast message at a time; corked, the kernel sends it in full segments instead of
// one segment per message, so the client reads many messages per read and acknowledges once.
// Uncorked as soon as the queue is empty, which sends the rest at once: nothing waits for more.
void WsSession::set_corked(bool corked) {
  if (corked == corked_) return;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  if (!socket.is_open()) return;
  const int value = corked ? 1 : 0;
  if (::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_CORK, &value, sizeof value) == 0) {
    corked_ = corked;
  }
}

void WsSession::set_depth(std::size_t depth) {
  const std::size_t old = depth_.exchange(depth, std::memory_order_relaxed);
  state_->counters.queued_messages.fetch_add(
      static_cast<std::int64_t>(depth) - static_cast<std::int64_t>(old), std::memory_order_relaxed);
}

}  // namespace neuro::server::ws
